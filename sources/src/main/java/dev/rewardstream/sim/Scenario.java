package dev.rewardstream.sim;

/**
 * What changes during a simulated run. Every change happens at the drift point, half-way through the run (progress
 * 0.5), except reward hacking, which grows steadily.
 */
public enum Scenario {
  /** Nothing changes: the baseline. */
  STATIONARY,
  /** The agents' outputs move: text agents draw 90% of words from the upper half of the vocabulary, control agents
   * act with a bias. The true reward is unchanged. */
  POLICY_DRIFT,
  /** The true reward changes: new hidden word values for text, the goal direction reversed for control. */
  PREFERENCE_DRIFT,
  /** One text agent pads its answers with words the true reward gives nothing for, more and more as the run goes. */
  REWARD_HACKING,
  /** Rate bursts (10× for one second in ten) and raw garbage records mixed into both input topics. */
  BURSTS_AND_MALFORMED;

  public static final double DRIFT_POINT = 0.5;

  public String cliName() {
    return name().toLowerCase().replace('_', '-');
  }

  public static Scenario fromCliName(String name) {
    return valueOf(name.toUpperCase().replace('-', '_'));
  }
}
