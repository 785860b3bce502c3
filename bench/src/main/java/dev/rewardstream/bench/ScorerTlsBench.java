package dev.rewardstream.bench;

import static dev.rewardstream.bench.StreamsAppMeter.endOffsets;
import static dev.rewardstream.bench.StreamsAppMeter.rate;

import dev.rewardstream.bench.StreamsAppMeter.Rate;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.trainer.LearnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What securing the platform costs the scorer: the same interactions scored by the same model on a plaintext broker and
 * on a secured one ({@code up --secure}: SASL_SSL with SCRAM-SHA-512, ACLs, the registry over HTTPS), passes
 * alternating between the two so neither is always measured warmer. The ratio is secured over plaintext records/s.
 */
final class ScorerTlsBench implements BenchScenario {

  /** Measured passes on each broker (one with --quick). */
  static final int PASSES = 5;
  /** Unmeasured passes first: the first pass of a JVM ran at half the rate of the third (63,553 against 142,607). */
  static final int WARM_UP_PASSES = 2;

  @Override
  public String name() {
    return "scorer-tls";
  }

  @Override
  public Result run(Context context) throws Exception {
    int rounds = context.quick() ? 1_000 : 150_000;
    int passes = context.quick() ? 1 : PASSES;
    Path dir = Files.createTempDirectory("rewardstream-bench-tls-");
    Map<String, Object> figures = new LinkedHashMap<>();
    try (EmbeddedInfrastructure plain = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("plain"));
        EmbeddedInfrastructure secured = EmbeddedInfrastructure.startSecure(dir.resolve("secured"), "127.0.0.1",
            FreePorts.next(), FreePorts.next(), 0, "",
            PlatformSecurity.prepare(dir.resolve("security"), "127.0.0.1", ""))) {
      ScorerConfig config = ScorerConfig.defaults();
      Broker plaintext = Broker.fill("plaintext", plain, dir, config, rounds, context);
      Broker tls = Broker.fill("secured", secured, dir, config, rounds, context);
      for (int pass = 1; pass <= (context.quick() ? 0 : WARM_UP_PASSES); pass++) {
        plaintext.pass(-pass, config, context);
        tls.pass(-pass, config, context);
      }
      List<Rate> plainRates = new ArrayList<>();
      List<Rate> tlsRates = new ArrayList<>();
      for (int pass = 1; pass <= passes; pass++) {
        if (pass % 2 == 1) {
          plainRates.add(plaintext.pass(pass, config, context));
          tlsRates.add(tls.pass(pass, config, context));
        } else {
          tlsRates.add(tls.pass(pass, config, context));
          plainRates.add(plaintext.pass(pass, config, context));
        }
      }
      Rate plainMedian = Rate.median(plainRates);
      Rate tlsMedian = Rate.median(tlsRates);
      figures.put("interactions", plaintext.total);
      figures.put("plaintext_passes", plainRates.stream().map(r -> Math.round(r.recordsPerSecond())).toList());
      figures.put("secured_passes", tlsRates.stream().map(r -> Math.round(r.recordsPerSecond())).toList());
      figures.put("plaintext_records_per_s", Math.round(plainMedian.recordsPerSecond()));
      figures.put("secured_records_per_s", Math.round(tlsMedian.recordsPerSecond()));
      figures.put("plaintext_cpu_us_per_record", Stats.round(plainMedian.cpuMicrosPerRecord()));
      figures.put("secured_cpu_us_per_record", Stats.round(tlsMedian.cpuMicrosPerRecord()));
      figures.put("secured_to_plaintext", Stats.round(tlsMedian.recordsPerSecond() / plainMedian.recordsPerSecond()));
    } finally {
      FreshnessBench.deleteQuietly(dir);
    }
    String markdown = String.format(Locale.ROOT, """
        The scorer over the same %,d interactions and model on a plaintext broker and on a secured one (`up --secure`:
        SASL_SSL with SCRAM-SHA-512 and ACLs, the registry over HTTPS with basic auth), %d alternating pass(es) each
        after %d unmeasured ones; the scorer connects as the `scorer` principal. Records/s are the steady-state slope
        of committed offsets, as in scorer-throughput.

        | broker | records/s (median) | passes | CPU µs/record |
        |---|---|---|---|
        | plaintext | %s | %s | %s |
        | secured (TLS + SASL + ACLs) | %s | %s | %s |

        **Secured ÷ plaintext: %s.**
        """, ((Number) figures.get("interactions")).longValue(), passes, context.quick() ? 0 : WARM_UP_PASSES,
        figures.get("plaintext_records_per_s"),
        figures.get("plaintext_passes"), figures.get("plaintext_cpu_us_per_record"),
        figures.get("secured_records_per_s"), figures.get("secured_passes"),
        figures.get("secured_cpu_us_per_record"), figures.get("secured_to_plaintext"));
    return Result.of(figures, markdown);
  }

  /** One broker with the interactions and a published version on it, and the scorer's view of it. */
  private record Broker(String label, EmbeddedInfrastructure infra, Topics scorerTopics, Path artifacts, long total) {

    static Broker fill(String label, EmbeddedInfrastructure infra, Path dir, ScorerConfig config, int rounds,
        Context context) throws Exception {
      Topics producerTopics = Topics.connect(infra.serdeConfig(PlatformSecurity.PRODUCER));
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(PlatformSecurity.PRODUCER), producerTopics)) {
        ScenarioSimulator simulator = new ScenarioSimulator(
            ScenarioSimulator.Options.defaults(Scenario.STATIONARY, context.seed()).withAgents(true, false, false),
            new Labeler(0.5, context.seed()), sink, producerTopics.interactions.name(),
            producerTopics.preferences.name());
        for (int r = 0; r < rounds; r++) {
          simulator.round((double) r / rounds);
        }
        sink.flush();
      }
      Path artifacts = dir.resolve(label + "-artifacts");
      ScorerThroughputBench.publishModel(infra.kafka(PlatformSecurity.TRAINER),
          Topics.connect(infra.serdeConfig(PlatformSecurity.TRAINER)), artifacts, config, LearnerOptions.defaults());
      long total = endOffsets(infra.kafka(), producerTopics.interactions.name());
      context.progress().accept("scorer-tls: " + total + " interactions on the " + label + " broker");
      return new Broker(label, infra, Topics.connect(infra.serdeConfig(PlatformSecurity.SCORER)), artifacts, total);
    }

    Rate pass(int pass, ScorerConfig config, Context context) throws Exception {
      // Under the scorer's application-id prefix: the secured broker's ACLs allow the scorer principal nothing else.
      String application = ScorerService.APPLICATION_ID + "-" + label + (pass < 0 ? "-warm-up" : "-") + Math.abs(pass);
      try (ScorerService scorer = new ScorerService(application, infra.kafka(PlatformSecurity.SCORER),
          artifacts.resolveSibling(application), ArtifactStore.at(artifacts), config, scorerTopics)) {
        scorer.start();
        Rate rate = rate(infra.kafka(), application, scorerTopics.interactions.name(), total, scorer::state,
            context.progress());
        context.progress().accept(String.format(Locale.ROOT, "scorer-tls: %s %s %d: %.0f records/s", label,
            pass < 0 ? "warm-up" : "pass", Math.abs(pass), rate.recordsPerSecond()));
        return rate;
      }
    }
  }
}
