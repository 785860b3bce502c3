package dev.rewardstream.bench;

import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.RecordSink;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A sink that keeps simulated single-interaction pairs in memory, for benchmarks of the learner without Kafka. */
final class PairCollector implements RecordSink {

  record LabelledPair(Interaction a, Interaction b, Preference preference) {}

  /** Text pairs of a simulated run of {@code rounds} rounds, labelled by a temperature-0.5 Bradley-Terry labeler. */
  static List<LabelledPair> simulateText(Scenario scenario, int rounds, long seed) {
    PairCollector collector = new PairCollector();
    ScenarioSimulator simulator = new ScenarioSimulator(
        ScenarioSimulator.Options.defaults(scenario, seed).withAgents(true, false, false), new Labeler(0.5, seed),
        collector, "interactions", "preferences");
    for (int r = 0; r < rounds; r++) {
      simulator.round((double) r / rounds);
    }
    simulator.drain();
    return collector.pairs();
  }

  private final Map<String, Interaction> interactions = new HashMap<>();
  private final List<Preference> preferences = new ArrayList<>();

  @Override
  public void interaction(Interaction interaction) {
    interactions.put(interaction.getInteractionId(), interaction);
  }

  @Override
  public void preference(Preference preference) {
    preferences.add(preference);
  }

  @Override
  public void raw(String topic, byte[] key, byte[] value) {
    throw new IllegalStateException("no garbage expected in an in-memory benchmark");
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** Pairs in preference order; both interactions must have been produced. */
  List<LabelledPair> pairs() {
    List<LabelledPair> pairs = new ArrayList<>(preferences.size());
    for (Preference p : preferences) {
      pairs.add(new LabelledPair(interactions.get(p.getA().getInteractionId()),
          interactions.get(p.getB().getInteractionId()), p));
    }
    return pairs;
  }
}
