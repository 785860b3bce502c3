package dev.rewardstream.bench;

import dev.rewardstream.model.ArtifactStore;
import static dev.rewardstream.bench.StreamsAppMeter.awaitCommitted;
import static dev.rewardstream.bench.StreamsAppMeter.endOffsets;
import static dev.rewardstream.bench.StreamsAppMeter.latency;
import static dev.rewardstream.bench.StreamsAppMeter.LATENCY_RATE;
import static dev.rewardstream.bench.StreamsAppMeter.STEADY_END_FRACTION;
import static dev.rewardstream.bench.StreamsAppMeter.WARM_UP_FRACTION;
import static dev.rewardstream.bench.StreamsAppMeter.rate;
import static dev.rewardstream.bench.StreamsAppMeter.sampleValues;

import dev.rewardstream.bench.StreamsAppMeter.Rate;

import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.TextEncoder;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.drift.DriftConfig;
import dev.rewardstream.drift.DriftService;
import dev.rewardstream.streams.StreamsApplications;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.LearnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The scorer topology against an identity Kafka Streams topology (interactions copied byte for byte to another
 * topic) on the same broker, partitions, records and guarantees (exactly-once v2, 200 ms commits). The interactions
 * are produced first; each application then reads them from the beginning, and its steady-state rate is measured on
 * its committed input offsets (see {@link #rate}). The scorer serves a
 * freshly initialized model version, published before it starts: inference costs the same whatever the weights.
 *
 * <p>The drift monitor, an application of its own, is measured the same way on the scores the scorer wrote, alone,
 * after the scorer: how fast it can follow the scores topic, which tells whether it keeps up with the scorer or
 * trails it at peak rates.
 */
final class ScorerThroughputBench implements BenchScenario {

  /**
   * Unmeasured passes of each topology first. Every topology's rate rose over the first three passes, with the heap
   * fixed as well (the broker's own code warming up): measured from the third on, they sit on the plateau.
   */
  static final int WARM_UP_ROUNDS = 2;

  /** Measured passes of each topology (one with --quick, without the warm-up passes). */
  static final int MEASURED_PASSES = 5;

  @Override
  public String name() {
    return "scorer-throughput";
  }

  @Override
  public Result run(Context context) throws Exception {
    // 600,000 interactions: the identity's measured window is then several seconds, many commit intervals long.
    int rounds = context.quick() ? 2000 : 300_000;
    Path dir = Files.createTempDirectory("rewardstream-bench-scorer-");
    Map<String, Object> figures = new LinkedHashMap<>();
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      String interactions = infra.topics().interactions.name();
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics())) {
        ScenarioSimulator simulator = new ScenarioSimulator(
            ScenarioSimulator.Options.defaults(Scenario.STATIONARY, context.seed()).withAgents(true, false, false),
            new Labeler(0.5, context.seed()), sink, interactions, infra.topics().preferences.name());
        for (int r = 0; r < rounds; r++) {
          simulator.round((double) r / rounds);
        }
        sink.flush();
      }
      long total = endOffsets(infra.kafka(), interactions);
      context.progress().accept("scorer-throughput: " + total + " interactions in the topic");
      ScorerConfig config = ScorerConfig.defaults();
      ScorerConfig mlpConfig = new ScorerConfig(MLP_MODEL, config.featureSpec(), config.maxTextChars(),
          config.retainedOutputs(), config.rescoreCheckInterval());
      publishModel(infra.kafka(), infra.topics(), dir.resolve("artifacts"), config, LearnerOptions.defaults());
      publishModel(infra.kafka(), infra.topics(), dir.resolve("artifacts"), mlpConfig,
          LearnerOptions.network());

      // No more than the topic holds: sampleValues waits up to 30 s for a count that never comes (a quick run's 4,000).
      List<byte[]> samples = sampleValues(infra.kafka(), interactions, (int) Math.min(5_000, total));
      int latencySeconds = context.quick() ? 3 : 20;
      TopicAdmin.ensure(infra.bootstrapServers(), List.of(new NewTopic("bench-identity-out", 3, (short) 1)));
      Passes passes = new Passes(infra, config, interactions, total, dir, context.progress());
      for (int round = 1; round <= (context.quick() ? 0 : WARM_UP_ROUNDS); round++) {
        passes.scorer("bench-scorer-warm-up-" + round, config);
        passes.scorer("bench-scorer-mlp-warm-up-" + round, mlpConfig);
        passes.identity("bench-identity-warm-up-" + round);
      }
      List<Rate> scorerRates = new ArrayList<>();
      List<Rate> mlpRates = new ArrayList<>();
      List<Rate> identityRates = new ArrayList<>();
      // Every application gets faster over the first minutes (the broker's own code warms up and the heap grows), so
      // the order is reversed every other pass: no topology is always the one measured last.
      for (int pass = 1; pass <= (context.quick() ? 1 : MEASURED_PASSES); pass++) {
        if (pass % 2 == 1) {
          scorerRates.add(passes.scorer("bench-scorer-" + pass, config));
          mlpRates.add(passes.scorer("bench-scorer-mlp-" + pass, mlpConfig));
          identityRates.add(passes.identity("bench-identity-" + pass));
        } else {
          identityRates.add(passes.identity("bench-identity-" + pass));
          mlpRates.add(passes.scorer("bench-scorer-mlp-" + pass, mlpConfig));
          scorerRates.add(passes.scorer("bench-scorer-" + pass, config));
        }
      }

      List<Double> scorerLatency;
      try (ScorerService scorer = new ScorerService(infra.kafka(), dir.resolve("scorer-state"),
          ArtifactStore.at(dir.resolve("artifacts")), config, infra.topics())) {
        scorer.start();
        awaitCommitted(infra.kafka(), ScorerService.APPLICATION_ID, interactions, total);
        scorerLatency = latency(infra.kafka(), interactions, infra.topics().scores.name(), samples,
            latencySeconds, context.progress());
      }
      List<Double> identityLatency;
      try (KafkaStreams identity = identity("bench-identity", infra, dir.resolve("identity-state"))) {
        identity.start();
        // The scorer's latency phase added interactions: the identity catches up on them before its own.
        awaitCommitted(infra.kafka(), "bench-identity", interactions,
            endOffsets(infra.kafka(), interactions));
        identityLatency = latency(infra.kafka(), interactions, "bench-identity-out", samples,
            latencySeconds, context.progress());
      }

      Rate monitorRate;
      long scores = endOffsets(infra.kafka(), infra.topics().scores.name());
      try (DriftService monitor = new DriftService(infra.kafka(), dir.resolve("drift-state"),
          DriftConfig.defaults(), infra.topics())) {
        monitor.start();
        // The first 2,000,000 of the passes' scores are plenty for a steady rate.
        monitorRate = rate(infra.kafka(), DriftService.APPLICATION_ID, infra.topics().scores.name(),
            Math.min(scores, 2_000_000), monitor::state, context.progress());
      }
      int encoderInteractions = context.quick() ? QUICK_ENCODER_INTERACTIONS : ENCODER_INTERACTIONS;
      Map<String, Object> encoders = encoderPasses(infra, dir,
          samples.subList(0, Math.min(samples.size(), encoderInteractions)), config, Rate.median(scorerRates),
          context.progress());
      figures.put("with_text_encoder", encoders);
      List<Double> ratios = ratios(scorerRates, identityRates);
      List<Double> mlpRatios = ratios(mlpRates, identityRates);
      Rate mlpRate = Rate.median(mlpRates);
      figures.put("mlp_passes", mlpRates.stream().map(rate -> Math.round(rate.recordsPerSecond())).toList());
      figures.put("mlp_pass_ratios", mlpRatios.stream().map(Stats::round).toList());
      figures.put("mlp_ratio", Stats.round(Stats.percentile(mlpRatios, 50)));
      figures.put("mlp_records_per_s", Math.round(mlpRate.recordsPerSecond()));
      figures.put("mlp_cpu_us_per_record", Stats.round(mlpRate.cpuMicrosPerRecord()));
      figures.put("passes", scorerRates.stream().map(rate -> Math.round(rate.recordsPerSecond())).toList());
      figures.put("identity_passes", identityRates.stream().map(rate -> Math.round(rate.recordsPerSecond())).toList());
      figures.put("pass_ratios", ratios.stream().map(Stats::round).toList());
      Rate scorerRate = Rate.median(scorerRates);
      Rate identityRate = Rate.median(identityRates);
      figures.put("interactions", total);
      figures.put("partitions", infra.topics().interactions.partitions());
      figures.put("stream_threads", ScorerService.streamThreads(infra.topics()));
      figures.put("scorer_records_per_s", Math.round(scorerRate.recordsPerSecond()));
      figures.put("identity_records_per_s", Math.round(identityRate.recordsPerSecond()));
      figures.put("drift_monitor_scores_per_s", Math.round(monitorRate.recordsPerSecond()));
      figures.put("drift_monitor_cpu_us_per_score", Stats.round(monitorRate.cpuMicrosPerRecord()));
      figures.put("ratio", Stats.round(Stats.percentile(ratios, 50)));
      figures.put("scorer_cpu_us_per_record", Stats.round(scorerRate.cpuMicrosPerRecord()));
      figures.put("identity_cpu_us_per_record", Stats.round(identityRate.cpuMicrosPerRecord()));
      figures.put("latency_rate_per_s", LATENCY_RATE);
      figures.put("scorer_latency", Stats.latencySummary(scorerLatency));
      figures.put("identity_latency", Stats.latencySummary(identityLatency));
      figures.put("added_latency_p50_s", Stats.round(Stats.percentile(scorerLatency, 50)
          - Stats.percentile(identityLatency, 50)));
      figures.put("added_latency_p99_s", Stats.round(Stats.percentile(scorerLatency, 99)
          - Stats.percentile(identityLatency, 99)));
    } finally {
      FreshnessBench.deleteQuietly(dir);
    }
    StringBuilder passRows = new StringBuilder();
    List<?> scorerPasses = (List<?>) figures.get("passes");
    for (int pass = 0; pass < scorerPasses.size(); pass++) {
      passRows.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.2f | %.2f |%n", pass + 1,
          scorerPasses.get(pass), ((List<?>) figures.get("mlp_passes")).get(pass),
          ((List<?>) figures.get("identity_passes")).get(pass), ((List<?>) figures.get("pass_ratios")).get(pass),
          ((List<?>) figures.get("mlp_pass_ratios")).get(pass)));
    }
    String md = String.format(Locale.ROOT, "%s interactions, %s partitions, exactly-once v2, one instance of each "
            + "topology with %s stream threads. Each topology first processes all the interactions %d times "
            + "(warm-up: every topology's rate still rose over its first three passes), then measured passes run "
            + "the two scorers and the identity (in reverse order every other pass), each a fresh application "
            + "reading the topic from the beginning, its rate the least-squares slope of its committed offsets "
            + "between %d%% and %d%% of the interactions (start-up, rebalance and the uneven finish of the partitions "
            + "excluded). Rates on this 2-core machine move by up to a factor of two from pass to pass, for every "
            + "topology alike: a pass's ratio compares runs a few seconds apart.%n%n"
            + "Scorer serving the default online linear model (8 posterior members) and, in its own passes, the "
            + "MLP network (`--learner network`, hidden 32 ×3); featurize + score + retain.%n%n"
            + "| pass | scorer, default records/s | scorer, MLP records/s | identity records/s | ratio, default "
            + "| ratio, MLP |%n|---|---|---|---|---|---|%n"
            + "%s| **median** | **%s** | **%s** | **%s** | **%.2f** | **%.2f** |%n%n"
            + "Goal: ratio ≥ 0.6 (1.0 is the limit). CPU of the whole process (broker included) per input record, "
            + "median pass: scorer %s µs (default), %s µs (MLP); identity %s µs.%n%n"
            + "The drift monitor (its own application, %d stream thread; reads the scores topic) on the same scores, "
            + "alone: %s scores/s, %s CPU µs per score.%n%n"
            + "Latency at %d interactions/s (produced → output visible to a read_committed consumer; exactly-once "
            + "commits every 200 ms dominate both):%n%n| topology | p50 | p99 |%n|---|---|---|%n"
            + "| scorer | %.0f ms | %.0f ms |%n| identity | %.0f ms | %.0f ms |%n"
            + "| **added by scoring** | **%+.0f ms** | **%+.0f ms** |%n",
        figures.get("interactions"), figures.get("partitions"), figures.get("stream_threads"), WARM_UP_ROUNDS,
        Math.round(100 * WARM_UP_FRACTION), Math.round(100 * STEADY_END_FRACTION), passRows,
        figures.get("scorer_records_per_s"), figures.get("mlp_records_per_s"), figures.get("identity_records_per_s"),
        (double) figures.get("ratio"), (double) figures.get("mlp_ratio"),
        figures.get("scorer_cpu_us_per_record"), figures.get("mlp_cpu_us_per_record"),
        figures.get("identity_cpu_us_per_record"),
        DriftService.STREAM_THREADS, figures.get("drift_monitor_scores_per_s"),
        figures.get("drift_monitor_cpu_us_per_score"), LATENCY_RATE,
        1000 * latencyFigure(figures, "scorer_latency", "p50_s"), 1000 * latencyFigure(figures, "scorer_latency", "p99_s"),
        1000 * latencyFigure(figures, "identity_latency", "p50_s"), 1000 * latencyFigure(figures, "identity_latency", "p99_s"),
        1000 * (double) figures.get("added_latency_p50_s"), 1000 * (double) figures.get("added_latency_p99_s"));
    StringBuilder encoderRows = new StringBuilder();
    ((Map<?, ?>) figures.get("with_text_encoder")).forEach((name, cell) -> {
      Map<?, ?> c = (Map<?, ?>) cell;
      encoderRows.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.0f | %.5f |%n", name, c.get("interactions"),
          (double) c.get("records_per_s"), (double) c.get("cpu_us_per_record"), (double) c.get("ratio_to_no_encoder")));
    });
    if (encoderRows.length() > 0) {
      md += String.format(Locale.ROOT, "%nWith a sentence encoder on (`--text-encoder NAME`: the response and the final "
          + "exchange embedded for every interaction), the default model for that feature spec, on the first of the "
          + "same interactions:%n%n| encoder | interactions | records/s | CPU µs per record | ÷ the scorer without "
          + "an encoder |%n|---|---|---|---|---|%n%s", encoderRows);
    }
    return Result.of(figures, md);
  }

  /** Interactions per encoder pass: a sentence encoder scores tens a second, not a hundred thousand. */
  static final int ENCODER_INTERACTIONS = 3_000;
  /** A quick run checks that each encoder pass runs and is measured; E5 takes about 2 s for these. */
  static final int QUICK_ENCODER_INTERACTIONS = 40;

  /**
   * With a sentence encoder on, the scorer embeds each interaction's response and final exchange: one pass per
   * encoder on the class path, over the first of the same interactions under a topic prefix of its own, serving the
   * default learner's model for that feature spec; its rate against the scorer's without an encoder ({@code plain}).
   */
  private static Map<String, Object> encoderPasses(EmbeddedInfrastructure infra, Path dir, List<byte[]> values,
      ScorerConfig config, Rate plain, Consumer<String> progress) throws Exception {
    Map<String, Object> byEncoder = new LinkedHashMap<>();
    for (TextEncoder encoder : TextEncoder.available()) {
      Topics topics = Topics.connect(infra.serdeConfig().withTopicPrefix("bench-" + encoder.name() + "-"));
      TopicAdmin.ensureTopics(infra.bootstrapServers(), topics);
      try (KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        for (byte[] value : values) {
          producer.send(new ProducerRecord<>(topics.interactions.name(), value));
        }
        producer.flush();
      }
      ScorerConfig encoded = new ScorerConfig(config.modelName(),
          config.featureSpec().withTextEncoder(encoder.name()), config.maxTextChars(), config.retainedOutputs(),
          config.rescoreCheckInterval());
      publishModel(infra.kafka(), topics, dir.resolve("artifacts"), encoded, LearnerOptions.defaults());
      String application = "bench-scorer-" + encoder.name();
      progress.accept("scorer-throughput: with the " + encoder.name() + " encoder on " + values.size()
          + " interactions");
      try (ScorerService scorer = new ScorerService(application, infra.kafka(), dir.resolve(application),
          ArtifactStore.at(dir.resolve("artifacts")), encoded, topics)) {
        scorer.start();
        Rate rate = rate(infra.kafka(), application, topics.interactions.name(), values.size(),
            scorer::state, progress);
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("interactions", values.size());
        cell.put("records_per_s", Stats.round(rate.recordsPerSecond()));
        cell.put("cpu_us_per_record", Stats.round(rate.cpuMicrosPerRecord()));
        cell.put("ratio_to_no_encoder", Math.round(1e6 * rate.recordsPerSecond() / plain.recordsPerSecond()) / 1e6);
        byEncoder.put(encoder.name(), cell);
      }
    }
    return byEncoder;
  }

  /** The second model served in the measured passes: the MLP of {@link LearnerOptions#network()}. */
  static final String MLP_MODEL = "reward-mlp";

  /** A freshly initialized model as version 1 of {@code config}'s model: inference costs the same whatever the weights. */
  static void publishModel(KafkaConnection kafka, Topics topics, Path artifacts, ScorerConfig config,
      LearnerOptions learnerOptions) throws Exception {
    try (RewardLearner learner = RewardLearner.create(config.featureSpec(), learnerOptions);
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(kafka)) {
      ModelArtifacts.Written written = learner.write(artifacts, config.modelName(), 1);
      TopicIO.send(producer, topics.modelUpdates, config.modelName(), ModelUpdate.newBuilder()
          .setModelName(config.modelName()).setVersion(1).setCreatedAt(Instant.now())
          .setArtifactUri(written.uri().toString()).setSha256(written.sha256())
          .setFeatureSpec(config.featureSpec().fingerprint()).setArchitecture(learner.architecture().describe())
          .setRewardMean(0).setRewardStd(1).setExamplesTrained(0).build());
      producer.flush();
    }
  }

  /** One full pass of a topology over the interactions, as a fresh application: its steady-state rate. */
  private record Passes(EmbeddedInfrastructure infra, ScorerConfig config, String interactions, long total, Path dir,
      Consumer<String> progress) {

    Rate scorer(String applicationId, ScorerConfig served) throws Exception {
      try (ScorerService scorer = new ScorerService(applicationId, infra.kafka(),
          dir.resolve(applicationId), ArtifactStore.at(dir.resolve("artifacts")), served, infra.topics())) {
        scorer.start();
        return rate(infra.kafka(), applicationId, interactions, total, scorer::state, progress);
      }
    }

    Rate identity(String applicationId) throws Exception {
      try (KafkaStreams identity = ScorerThroughputBench.identity(applicationId, infra, dir.resolve(applicationId))) {
        identity.start();
        return rate(infra.kafka(), applicationId, interactions, total, identity::state, progress);
      }
    }
  }

  /** Each pass's scorer rate over the identity's rate in the same pass. */
  private static List<Double> ratios(List<Rate> scorer, List<Rate> identity) {
    List<Double> ratios = new ArrayList<>();
    for (int pass = 0; pass < scorer.size(); pass++) {
      ratios.add(scorer.get(pass).recordsPerSecond() / identity.get(pass).recordsPerSecond());
    }
    return ratios;
  }

  private static KafkaStreams identity(String applicationId, EmbeddedInfrastructure infra, Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(infra.topics().interactions.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to("bench-identity-out", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    // The scorer's own settings and thread count, so the ratio is about the work, not the settings.
    return new KafkaStreams(builder.build(), StreamsApplications.properties(applicationId, infra.kafka(),
        stateDir, ScorerService.streamThreads(infra.topics())));
  }

  private static double latencyFigure(Map<String, Object> figures, String topology, String percentile) {
    return (double) ((Map<?, ?>) figures.get(topology)).get(percentile);
  }


}
