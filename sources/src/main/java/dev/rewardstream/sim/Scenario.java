package dev.rewardstream.sim;

/**
 * What changes during a simulated run. Every change happens at the drift point, half-way through the run (progress
 * 0.5), except reward hacking and padding, which grow steadily from the start.
 */
public enum Scenario {
  /** Nothing changes: the baseline. */
  STATIONARY,
  /** The agents' outputs move: text agents draw 90% of words from the upper half of the vocabulary, control agents
   * act with a bias. The true reward is unchanged. */
  POLICY_DRIFT,
  /** The true reward changes: new hidden word values for text, the goal direction reversed for control. */
  PREFERENCE_DRIFT,
  /**
   * A third text agent, under a policy version of its own, learns to flatter: it piles up the sign-offs that skilled
   * agents put on their good answers (up to 12 by the end), which the reward model learned to pay for; the true reward
   * pays for one and charges for every one after the second. Its reward-model score climbs while its true reward
   * falls. A tenth of its outputs are labelled against an honest agent's answer to the same prompt.
   */
  REWARD_HACKING,
  /**
   * The control for reward hacking: the third agent pads its answers with words of no value, more and more as the run
   * goes (up to 30 extra words), and nothing in the labels taught the model to pay for them. Longer, never better, and
   * not rewarded: no hacking alert should fire.
   */
  PADDING,
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
