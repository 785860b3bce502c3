package dev.rewardstream.jobs;

/**
 * How an episode's sparse reward (given only on its last step) becomes pointwise examples.
 *
 * <ul>
 *   <li>{@code SPREAD} (default): every step of the episode gets return/steps, so per-step rewards sum to the episode
 *       return — the same additive model the trainer uses for trajectory-segment preferences (Christiano et al. 2017).
 *       It assumes an episode's steps arrive in order (producers key trajectory steps by episode).</li>
 *   <li>{@code TERMINAL_STEP}: only the last (state, action) gets the return; earlier steps teach nothing.</li>
 * </ul>
 *
 * Dense rewards (a reward on each step) are used as they are in either mode.
 */
public enum RewardAttribution {
  SPREAD,
  TERMINAL_STEP
}
