package dev.rewardstream.ops;

import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.serde.Topics;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewardctl simulate}: simulated text and control agents and Bradley-Terry labelers producing into a running
 * cluster's {@code interactions} and {@code preferences} topics for {@code --duration-s}, under one {@link Scenario}.
 * Hidden ground truth travels in metadata the featurizer ignores ({@code sim.true_reward}, {@code sim.p_a}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Produce simulated agents' interactions and labelers' preferences with a hidden true reward.")
final class SimulateCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;

  @Option(names = "--scenario", defaultValue = "stationary",
      description = "stationary, policy-drift, preference-drift, reward-hacking, padding, bursts-and-malformed "
          + "(default: ${DEFAULT-VALUE}); drift happens half-way through --duration-s.")
  String scenario;

  @Option(names = "--agents", defaultValue = "both", description = "text, control or both (default: ${DEFAULT-VALUE}).")
  String agents;

  @Option(names = "--reward", defaultValue = "dense",
      description = "Control env_reward: dense (every step) or sparse (episode return on the last step).")
  String reward;

  @Option(names = "--rate", defaultValue = "10", description = "Rounds per second; each round is one text pair and/or "
      + "one pair of episodes, with a preference each (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--duration-s", defaultValue = "60", description = "Run length (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(names = "--temperature", defaultValue = "0.5") double temperature;

  @Option(names = "--noise", defaultValue = "0", description = "Share of labels that are a coin flip.")
  double noise;

  @Option(names = "--tie-margin", defaultValue = "0", description = "|rA − rB| below which the label is TIE.")
  double tieMargin;

  @Option(names = "--source", defaultValue = "SYNTHETIC", description = "HUMAN, AI or SYNTHETIC.")
  LabelSource source;

  @Option(names = "--label-delay-rounds", defaultValue = "0", description = "Preferences this many rounds after their "
      + "interactions; negative: interactions after their preference.")
  int labelDelayRounds;

  @Option(names = "--report-every-s", defaultValue = "5") double reportEverySeconds;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Option(names = "--policy-version", defaultValue = ScenarioSimulator.Options.DEFAULT_POLICY_VERSION,
      description = "Policy version the simulated text agents publish as; the control agents publish as "
          + "VERSION-control, the third agent of reward-hacking and padding as VERSION-hacker or VERSION-padder: "
          + "the drift monitor's scopes (default: ${DEFAULT-VALUE}).")
  String policyVersion;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Scenario chosen = Scenario.fromCliName(scenario);
    ScenarioSimulator.Options defaults = ScenarioSimulator.Options.defaults(chosen, seed);
    ScenarioSimulator.Options options = new ScenarioSimulator.Options(chosen, !agents.equals("control"),
        !agents.equals("text"), reward.equals("sparse"), defaults.episodeLength(), defaults.segmentLength(),
        labelDelayRounds, source, defaults.malformedShare(), defaults.vocabulary(), 0, seed, policyVersion);
    Topics topics = cluster.topics();
    try (KafkaRecordSink sink = new KafkaRecordSink(cluster.kafka(), topics)) {
      ScenarioSimulator simulator = new ScenarioSimulator(options, new Labeler(temperature, noise, tieMargin, seed),
          sink, topics.interactions.name(), topics.preferences.name());
      Pacer pacer = new Pacer(rate);
      double nextReport = reportEverySeconds;
      while (pacer.elapsedSeconds() < durationSeconds && !Thread.currentThread().isInterrupted()) {
        pacer.setRate(rate * simulator.rateMultiplier(pacer.elapsedSeconds()));
        pacer.await();
        simulator.round(pacer.elapsedSeconds() / durationSeconds);
        if (pacer.elapsedSeconds() >= nextReport) {
          sink.flush();
          report(out, pacer, simulator);
          nextReport += reportEverySeconds;
        }
      }
      simulator.drain();
      sink.flush();
      report(out, pacer, simulator);
    }
    return 0;
  }

  private static void report(PrintWriter out, Pacer pacer, ScenarioSimulator simulator) {
    out.printf("[%5.0fs] sent %d interactions, %d preferences, %d malformed records%n", pacer.elapsedSeconds(),
        simulator.interactionsSent(), simulator.preferencesSent(), simulator.malformedSent());
    out.flush();
  }
}
