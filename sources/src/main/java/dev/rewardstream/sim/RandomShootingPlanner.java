package dev.rewardstream.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A model-predictive controller for {@link ControlWorld} by random shooting: at each real step it imagines
 * {@code candidates} action sequences of {@code horizon} steps from the current state under the world's known
 * dynamics (their expected next states), asks a {@link TrajectoryRanker} (the reward model, through the scoring API)
 * which is best, and executes that sequence's first action only. It never sees a reward: how well it does is how good
 * the reward model it asks is.
 */
public final class RandomShootingPlanner {

  /** One imagined step, as the trajectory API takes it. */
  public record ImaginedStep(float[] state, float[] action) {}

  /** Picks the best of imagined trajectories: the index of the one to follow. */
  @FunctionalInterface
  public interface TrajectoryRanker {
    int best(List<List<ImaginedStep>> trajectories) throws Exception;
  }

  private final int candidates;
  private final int horizon;
  private final double actionStd;
  private final Random random;

  /**
   * @param candidates action sequences imagined per real step
   * @param horizon steps per imagined sequence
   * @param actionStd standard deviation of the sampled actions (zero mean)
   */
  public RandomShootingPlanner(int candidates, int horizon, double actionStd, long seed) {
    if (candidates < 1 || horizon < 1 || !(actionStd > 0)) {
      throw new IllegalArgumentException("candidates and horizon must be at least 1 and actionStd positive, got "
          + candidates + ", " + horizon + ", " + actionStd);
    }
    this.candidates = candidates;
    this.horizon = horizon;
    this.actionStd = actionStd;
    this.random = new Random(seed);
  }

  /** The action to take in {@code state}. */
  public float[] act(double[] state, TrajectoryRanker ranker) throws Exception {
    List<List<ImaginedStep>> imagined = new ArrayList<>(candidates);
    for (int c = 0; c < candidates; c++) {
      List<ImaginedStep> trajectory = new ArrayList<>(horizon);
      double[] s = state;
      for (int t = 0; t < horizon; t++) {
        float[] action = ControlWorld.randomAction(actionStd, random);
        trajectory.add(new ImaginedStep(ControlWorld.toFloats(s), action));
        s = ControlWorld.nextState(s, action, null);
      }
      imagined.add(trajectory);
    }
    return imagined.get(ranker.best(imagined)).get(0).action();
  }
}
