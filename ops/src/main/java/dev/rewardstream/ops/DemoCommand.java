package dev.rewardstream.ops;

import dev.rewardstream.bench.LearningCheck;
import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.LiveAccuracy;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.trainer.TrainerStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewardctl demo}: the platform plus simulated text agents and a Bradley-Terry labeler with a hidden true
 * reward, printing progress: events in, examples trained, live model version, the live model's pairwise accuracy on
 * fresh held-out pairs, scores out.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start the platform and simulated agents and labelers; print progress until Ctrl-C or --duration.")
final class DemoCommand implements Callable<Integer> {

  private static final double HELD_OUT_SHARE = 0.2;
  private static final int FRESH_PAIRS = 1000;

  @Mixin PlatformOptions options;

  @Option(names = "--rate", defaultValue = "10", description = "Answer pairs per second (default: ${DEFAULT-VALUE}).")
  double pairsPerSecond;

  @Option(names = "--duration-s", defaultValue = "0", description = "Stop after this many seconds; 0 runs until Ctrl-C.")
  long durationSeconds;

  @Option(names = "--report-every-s", defaultValue = "5", description = "Progress interval (default: ${DEFAULT-VALUE}).")
  long reportEverySeconds;

  @Option(names = "--temperature", defaultValue = "0.5",
      description = "Labeler temperature: higher is noisier (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StopSignals stop = StopSignals.install();
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(options.toConfig())) {
      UpCommand.printEndpoints(out, platform);
      var infra = platform.infrastructure();
      // As the agents and a reader would connect: secured, with the producer's and the dashboard's principals.
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(PlatformSecurity.PRODUCER),
              Topics.connect(infra.serdeConfig(PlatformSecurity.PRODUCER)));
          LiveAccuracy accuracy = new LiveAccuracy(infra.kafka(PlatformSecurity.DASHBOARD),
              Topics.connect(infra.serdeConfig(PlatformSecurity.DASHBOARD)))) {
        ScenarioSimulator simulator = new ScenarioSimulator(ScenarioSimulator.Options.defaults(Scenario.STATIONARY,
            seed).withAgents(true, false, false).withHeldOut(HELD_OUT_SHARE), new Labeler(temperature, seed), sink,
            infra.topics().interactions.name(), infra.topics().preferences.name());
        simulator.onLabelled(pair -> {
          if (labelled.size() < LearningCheck.MAX_LABELS) {
            labelled.add(pair);
          }
        });
        // Drawn before the stream starts, from the same agents: pairs of the demo's world that are never sent.
        LearningCheck check = LearningCheck.of(platform.config().trainerConfig(infra.kafka()),
            pairsPerSecond * (1 - HELD_OUT_SHARE), simulator.textWorld(), FRESH_PAIRS);
        Thread follower = new Thread(accuracy, "live-accuracy");
        follower.setDaemon(true);
        follower.start();
        out.printf("demo: %.0f answer pairs/s, labeler temperature %.2f, %.0f%% of pairs held out for measurement, "
            + "%,d more never sent%n", pairsPerSecond, temperature, 100 * HELD_OUT_SHARE, check.freshPairs());
        out.flush();
        run(platform, simulator, sink, accuracy, check, out, stop);
        out.println("stopping...");
        out.flush();
      }
    }
    out.println("stopped");
    out.flush();
    return 0;
  }

  private boolean reportedFirstVersion;
  /** The published labels, for the learning check (which stops at its maximum). */
  private final List<ScenarioSimulator.LabelledAnswers> labelled = new ArrayList<>();

  private void run(EmbeddedPlatform platform, ScenarioSimulator simulator, KafkaRecordSink sink, LiveAccuracy accuracy,
      LearningCheck check, PrintWriter out, StopSignals stop) throws InterruptedException {
    long start = System.nanoTime();
    long nextReport = start + Duration.ofSeconds(reportEverySeconds).toNanos();
    long intervalNanos = (long) (1e9 / pairsPerSecond);
    long nextRound = start;
    long end = durationSeconds > 0 ? start + Duration.ofSeconds(durationSeconds).toNanos() : Long.MAX_VALUE;
    while (!stop.isRequested() && System.nanoTime() < end) {
      long now = System.nanoTime();
      if (now >= nextRound) {
        simulator.round(0);
        nextRound += intervalNanos;
      }
      if (!reportedFirstVersion && platform.liveScorerVersion() >= 1 && simulator.firstPreferenceAt() != null) {
        reportedFirstVersion = true;
        out.printf("first preference -> model v1 serving in the scorer: %.1f s%n",
            Duration.between(simulator.firstPreferenceAt(), java.time.Instant.now()).toMillis() / 1000.0);
      }
      if (now >= nextReport) {
        sink.flush();
        report(platform, simulator, accuracy, check, out, Duration.ofNanos(now - start));
        nextReport += Duration.ofSeconds(reportEverySeconds).toNanos();
      }
      long sleep = Math.min(nextRound, Math.min(nextReport, end)) - System.nanoTime();
      if (sleep > 0) {
        stop.await(Duration.ofNanos(sleep));
      }
    }
    sink.flush();
    report(platform, simulator, accuracy, check, out, Duration.ofNanos(System.nanoTime() - start));
  }

  private void report(EmbeddedPlatform platform, ScenarioSimulator simulator, LiveAccuracy accuracy,
      LearningCheck check, PrintWriter out, Duration elapsed) {
    TrainerStatus trainer = platform.trainerStatus();
    LiveAccuracy.Measurement m = accuracy.measure(simulator.heldOutPairs(), simulator.labeler());
    String acc = m.pairs() == 0 ? "n/a (waiting for scores)"
        : String.format("%.3f vs true reward, %.3f vs labels (Bayes-optimal %.3f), %d pairs, v%d",
            m.trueOrderAccuracy(), m.labelAccuracy(), m.bayesOptimalLabelAccuracy(), m.pairs(), m.modelVersion());
    out.printf("[%4ds] in: %d interactions, %d preferences | trained: %d examples, model v%d (validation acc %s) "
            + "| scored: %d | fresh-pair accuracy: %s%s%n",
        elapsed.toSeconds(), simulator.interactionsSent(), simulator.preferencesSent(), trainer.examplesTrained(),
        trainer.liveVersion(), format(trainer.liveMetrics().get("pairwise_accuracy")), accuracy.scoresSeen(), acc,
        trainer.failure() == null ? "" : " | TRAINER FAILED: " + trainer.failure());
    if (simulator.preferencesSent() <= LearningCheck.MAX_LABELS) {
      LearningCheck.Figures learned = check.measure(labelled, platform.liveScorerModel());
      out.printf("        learning: after %,d labels the scorer's v%d orders %.1f%% of %,d fresh pairs by the true "
              + "reward; the learner bench on the same labels: %.1f%%%n", learned.labels(), learned.version(),
          100 * learned.served(), check.freshPairs(), 100 * learned.bench());
    }
    out.flush();
  }

  private static String format(Double value) {
    return value == null ? "n/a" : String.format("%.3f", value);
  }
}
