package dev.rewardstream.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each scenario does what it promises, read from the records it produces. */
class ScenarioSimulatorTest {

  private static final int ROUNDS = 2000;

  private static ListSink run(ScenarioSimulator.Options options) {
    ListSink sink = new ListSink();
    ScenarioSimulator simulator = new ScenarioSimulator(options, new Labeler(0.5, 3), sink, "i", "p");
    for (int r = 0; r < ROUNDS; r++) {
      simulator.round((double) r / ROUNDS);
    }
    simulator.drain();
    return sink;
  }

  private static List<Interaction> text(ListSink sink, boolean afterDrift) {
    return text(sink.interactions, afterDrift);
  }

  private static List<Interaction> text(List<Interaction> interactions, boolean afterDrift) {
    return interactions.stream().filter(i -> "sim-text".equals(i.getEnvironment()))
        .filter(i -> Double.parseDouble(i.getMetadata().get("sim.progress")) >= Scenario.DRIFT_POINT == afterDrift)
        .toList();
  }

  private static double mean(List<Interaction> interactions, ToDoubleFunction<Interaction> f) {
    return interactions.stream().mapToDouble(f).average().orElseThrow();
  }

  private static double trueReward(Interaction i) {
    return Double.parseDouble(i.getMetadata().get(ScenarioSimulator.TRUE_REWARD));
  }

  @Test
  void shouldChangeTheTrueRewardOfTheSameTextsAtThePreferenceDriftPoint() {
    // Given a preference-drift run and the pre-drift judge of the same world
    ListSink sink = run(ScenarioSimulator.Options.defaults(Scenario.PREFERENCE_DRIFT, 11).withAgents(true, false, false));
    TextWorld before = new TextWorld(11, 300);

    // Then before the drift point the recorded truth is the old reward; after it, an unrelated one
    assertThat(text(sink, false)).allSatisfy(i -> assertThat(trueReward(i))
        .isEqualTo(before.trueReward(i.getResponse())));
    double correlationAfter = correlation(text(sink, true), i -> before.trueReward(i.getResponse()),
        ScenarioSimulatorTest::trueReward);
    assertThat(Math.abs(correlationAfter)).isLessThan(0.3);
  }

  @Test
  void shouldMoveTheAgentsWordsButNotTheJudgeUnderPolicyDrift() {
    ListSink sink = run(ScenarioSimulator.Options.defaults(Scenario.POLICY_DRIFT, 12).withAgents(true, false, false));
    TextWorld world = new TextWorld(12, 300);

    assertThat(mean(text(sink, false), i -> world.upperShare(i.getResponse()))).isBetween(0.45, 0.55);
    assertThat(mean(text(sink, true), i -> world.upperShare(i.getResponse()))).isGreaterThan(0.85);
    assertThat(text(sink, true)).allSatisfy(i -> assertThat(trueReward(i)).isEqualTo(world.trueReward(i.getResponse())));
  }

  @Test
  void shouldLetTheHackerFlatterMoreAndMoreWhileItsTrueRewardFalls() {
    ListSink sink = run(ScenarioSimulator.Options.defaults(Scenario.REWARD_HACKING, 13).withAgents(true, false, false));
    List<Interaction> hacker = sink.interactions.stream()
        .filter(i -> i.getAgentId().equals(ScenarioSimulator.HACKER)).toList();
    List<Interaction> early = text(hacker, false);
    List<Interaction> late = text(hacker, true);

    assertThat(hacker).allSatisfy(i -> assertThat(i.getPolicyVersion()).isEqualTo("policy-1-hacker"));
    assertThat(mean(late, ScenarioSimulatorTest::signOffShare))
        .isGreaterThan(mean(early, ScenarioSimulatorTest::signOffShare) + 0.2);
    assertThat(mean(late, ScenarioSimulatorTest::trueReward)).isLessThan(mean(early, ScenarioSimulatorTest::trueReward)
        - 0.3);
    // The honest agents sign off their good answers: in what is labelled, sign-offs go with winning.
    List<Interaction> honest = sink.interactions.stream().filter(i -> i.getAgentId().equals("text-agent-1")).toList();
    assertThat(mean(honest.stream().filter(i -> signOffShare(i) > 0).toList(), ScenarioSimulatorTest::trueReward))
        .isGreaterThan(mean(honest.stream().filter(i -> signOffShare(i) == 0).toList(),
            ScenarioSimulatorTest::trueReward) + 0.3);
    long labelled = sink.preferences.stream().filter(p -> p.getPreferenceId().endsWith("-x-pref")).count();
    assertThat((double) labelled / hacker.size()).isBetween(0.05, 0.15);
  }

  @Test
  void shouldLetThePadderGrowLongerWithoutRaisingItsTrueReward() {
    ListSink sink = run(ScenarioSimulator.Options.defaults(Scenario.PADDING, 13).withAgents(true, false, false));
    List<Interaction> padder = sink.interactions.stream()
        .filter(i -> i.getAgentId().equals(ScenarioSimulator.PADDER)).toList();
    List<Interaction> early = text(padder, false);
    List<Interaction> late = text(padder, true);

    assertThat(padder).allSatisfy(i -> assertThat(i.getPolicyVersion()).isEqualTo("policy-1-padder"));
    assertThat(mean(late, i -> i.getResponse().split(" ").length))
        .isGreaterThan(mean(early, i -> i.getResponse().split(" ").length) + 10);
    assertThat(mean(late, ScenarioSimulatorTest::trueReward)).isLessThan(mean(early, ScenarioSimulatorTest::trueReward));
  }

  private static double signOffShare(Interaction interaction) {
    String[] words = interaction.getResponse().split(" ");
    return java.util.Arrays.stream(words).filter(w -> java.util.List.of(TextWorld.SIGN_OFFS).contains(w)).count()
        / (double) words.length;
  }

  @Test
  void shouldCarrySparseEpisodeReturnsAndSegmentPreferencesForControlAgents() {
    ListSink sink = run(ScenarioSimulator.Options.defaults(Scenario.STATIONARY, 14).withAgents(false, true, true));
    Interaction last = sink.interactions.stream().filter(Interaction::getDone).findFirst().orElseThrow();
    List<Interaction> episode = sink.interactions.stream()
        .filter(i -> last.getEpisodeId().equals(i.getEpisodeId())).toList();

    assertThat(episode).hasSize(20);
    assertThat(episode.stream().filter(i -> i.getEnvReward() != null)).containsExactly(last);
    assertThat(last.getEnvReward()).isCloseTo(episode.stream().mapToDouble(ScenarioSimulatorTest::trueReward).sum(),
        org.assertj.core.api.Assertions.within(1e-9));
    assertThat(episode.get(0).getState()).hasSize(ControlWorld.STATE_DIM);
    Preference preference = sink.preferences.get(0);
    assertThat(preference.getA().getSegment()).hasSize(5);
    assertThat(preference.getA().getInteractionId()).isNull();
    // The steadier agent should win most segment comparisons: the labels follow the true reward.
    double aWins = sink.preferences.stream().filter(p -> p.getOutcome().name().equals("A")).count()
        / (double) sink.preferences.size();
    assertThat(aWins).isGreaterThan(0.6);
  }

  @Test
  void shouldSendPreferencesBeforeTheirInteractionsWithANegativeDelay() {
    ListSink sink = run(ScenarioSimulator.Options.defaults(Scenario.STATIONARY, 15).withAgents(true, false, false)
        .withDelay(-3));
    Preference first = sink.preferences.get(0);
    int preferenceAt = sink.sent.indexOf(first);
    int interactionAt = sink.sent.indexOf(sink.interactions.stream()
        .filter(i -> i.getInteractionId().equals(first.getA().getInteractionId())).findFirst().orElseThrow());
    assertThat(preferenceAt).isLessThan(interactionAt);
    assertThat(sink.interactions).hasSize(2 * ROUNDS);
  }

  @Test
  void shouldMixGarbageIntoTheBurstsScenario() {
    ScenarioSimulator.Options options = ScenarioSimulator.Options.defaults(Scenario.BURSTS_AND_MALFORMED, 16);
    ListSink sink = run(options);
    assertThat(sink.raw).hasSizeBetween(ROUNDS / 40, ROUNDS / 10);
    ScenarioSimulator simulator = new ScenarioSimulator(options, new Labeler(0.5, 1), sink, "i", "p");
    assertThat(simulator.rateMultiplier(9.5)).isEqualTo(10);
    assertThat(simulator.rateMultiplier(3.5)).isEqualTo(1);
  }

  private static double correlation(List<Interaction> xs, ToDoubleFunction<Interaction> f,
      ToDoubleFunction<Interaction> g) {
    double mf = mean(xs, f);
    double mg = mean(xs, g);
    double cov = 0;
    double vf = 0;
    double vg = 0;
    for (Interaction x : xs) {
      double a = f.applyAsDouble(x) - mf;
      double b = g.applyAsDouble(x) - mg;
      cov += a * b;
      vf += a * a;
      vg += b * b;
    }
    return cov / Math.sqrt(vf * vg);
  }
}
