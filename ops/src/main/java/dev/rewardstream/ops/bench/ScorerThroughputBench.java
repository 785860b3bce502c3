package dev.rewardstream.ops.bench;

import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.ops.sim.KafkaRecordSink;
import dev.rewardstream.ops.sim.Labeler;
import dev.rewardstream.ops.sim.Scenario;
import dev.rewardstream.ops.sim.ScenarioSimulator;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.trainer.OnlineRewardLearner;
import dev.rewardstream.trainer.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The scorer topology against an identity Kafka Streams topology (interactions copied byte for byte to another
 * topic) on the same broker, partitions, records and guarantees (exactly-once v2, 200 ms commits). The interactions
 * are produced first; each application then reads them from the beginning, and its rate is measured on its committed
 * input offsets, from the moment it is RUNNING until they cover every record, so start-up and rebalancing are not
 * counted. The scorer serves a
 * freshly initialized model version, published before it starts: inference costs the same whatever the weights.
 */
final class ScorerThroughputBench implements BenchScenario {

  @Override
  public String name() {
    return "scorer-throughput";
  }

  @Override
  public Result run(Context context) throws Exception {
    int rounds = context.quick() ? 2000 : 30000;
    Path dir = Files.createTempDirectory("rewardstream-bench-scorer-");
    Map<String, Object> figures = new LinkedHashMap<>();
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      String interactions = infra.topics().interactions.name();
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.bootstrapServers(), infra.topics())) {
        ScenarioSimulator simulator = new ScenarioSimulator(
            ScenarioSimulator.Options.defaults(Scenario.STATIONARY, context.seed()).withAgents(true, false, false),
            new Labeler(0.5, context.seed()), sink, interactions, infra.topics().preferences.name());
        for (int r = 0; r < rounds; r++) {
          simulator.round((double) r / rounds);
        }
        sink.flush();
      }
      long total = endOffsets(infra.bootstrapServers(), interactions);
      context.progress().accept("scorer-throughput: " + total + " interactions in the topic");
      publishModel(infra, dir.resolve("artifacts"));

      ScorerConfig config = ScorerConfig.defaults();
      double scorerRate;
      try (ScorerService scorer = new ScorerService(infra.bootstrapServers(), dir.resolve("scorer-state"), config,
          infra.topics())) {
        scorer.start();
        scorerRate = rate(infra.bootstrapServers(), "rewardstream-scorer", total, scorer::state, context.progress());
      }
      TopicAdmin.ensure(infra.bootstrapServers(), List.of(new NewTopic("bench-identity-out", 3, (short) 1)));
      double identityRate;
      try (KafkaStreams identity = identity(infra.bootstrapServers(), interactions, dir.resolve("identity-state"))) {
        identity.start();
        identityRate = rate(infra.bootstrapServers(), "bench-identity", total, identity::state, context.progress());
      }
      figures.put("interactions", total);
      figures.put("partitions", infra.topics().interactions.partitions());
      figures.put("scorer_records_per_s", Math.round(scorerRate));
      figures.put("identity_records_per_s", Math.round(identityRate));
      figures.put("ratio", Stats.round(scorerRate / identityRate));
    } finally {
      FreshnessBench.deleteQuietly(dir);
    }
    String md = String.format(Locale.ROOT, "%s interactions, %s partitions, exactly-once v2, one instance each."
            + "%n%n| topology | records/s |%n|---|---|%n| scorer (featurize + score + retain) | %s |%n"
            + "| identity | %s |%n| **ratio** | **%.2f** (goal ≥ 0.6; 1.0 is the limit) |%n",
        figures.get("interactions"), figures.get("partitions"), figures.get("scorer_records_per_s"),
        figures.get("identity_records_per_s"), (double) figures.get("ratio"));
    return Result.of(figures, md);
  }

  private static void publishModel(EmbeddedInfrastructure infra, Path artifacts) throws Exception {
    ScorerConfig config = ScorerConfig.defaults();
    TrainerConfig trainer = TrainerConfig.defaults(infra.bootstrapServers(), artifacts);
    try (OnlineRewardLearner learner = new OnlineRewardLearner(config.featureSpec(), trainer.learner());
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
      ModelArtifacts.Written written = learner.write(artifacts, config.modelName(), 1);
      TopicIO.send(producer, infra.topics().modelUpdates, config.modelName(), ModelUpdate.newBuilder()
          .setModelName(config.modelName()).setVersion(1).setCreatedAt(Instant.now())
          .setArtifactUri(written.uri().toString()).setSha256(written.sha256())
          .setFeatureSpec(config.featureSpec().fingerprint()).setArchitecture(learner.architecture().describe())
          .setRewardMean(0).setRewardStd(1).setExamplesTrained(0).build());
      producer.flush();
    }
  }

  private static KafkaStreams identity(String bootstrapServers, String input, Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to("bench-identity-out", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    // The scorer's own settings, so the ratio is about the work, not the settings.
    return new KafkaStreams(builder.build(),
        ScorerService.streamsProperties("bench-identity", bootstrapServers, stateDir));
  }

  /**
   * Records per second from the moment the application is RUNNING (partitions assigned, global store loaded) until
   * its committed input offsets cover every interaction. The last commit interval (200 ms) is counted for both.
   */
  private static double rate(String bootstrapServers, String group, long total,
      Supplier<KafkaStreams.State> state, Consumer<String> progress) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (state.get() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || state.get() == KafkaStreams.State.ERROR) {
        throw new IllegalStateException(group + " never reached RUNNING: " + state.get());
      }
      Thread.sleep(5);
    }
    long runningAt = System.nanoTime();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      long lastReport = runningAt;
      while (System.nanoTime() < deadline) {
        long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
            .stream().mapToLong(OffsetAndMetadata::offset).sum();
        long now = System.nanoTime();
        if (committed >= total) {
          return total / ((now - runningAt) / 1e9);
        }
        if (now - lastReport > 5e9) {
          progress.accept(String.format(Locale.ROOT, "scorer-throughput: %s %d/%d committed", group, committed,
              total));
          lastReport = now;
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException(group + " did not commit all " + total + " interactions within 10 minutes");
    }
  }

  private static long endOffsets(String bootstrapServers, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(bootstrapServers, null)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
