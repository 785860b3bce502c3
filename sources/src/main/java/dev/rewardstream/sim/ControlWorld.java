package dev.rewardstream.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Control-style agents: episodes of numeric state/action steps with a known reward R(s, a) = w·s − |a − K·s|², i.e. a
 * hidden goal direction w and a hidden ideal feedback gain K. Agents act as a = K·s + bias + N(0, skill²), so a
 * less noisy agent earns more; the system sees only states, actions and (optionally) environment rewards.
 */
public final class ControlWorld {

  public static final int STATE_DIM = 3;
  public static final int ACTION_DIM = 2;

  /** One step: what the agent saw and did, and its true reward. */
  public record Step(float[] state, float[] action, double trueReward) {}

  private final double[][] gain = new double[ACTION_DIM][STATE_DIM];
  private final double[] goal = new double[STATE_DIM];
  private final Random random;

  public ControlWorld(long seed) {
    Random hidden = new Random(seed ^ 0xC0FFEEL);
    for (double[] row : gain) {
      for (int j = 0; j < STATE_DIM; j++) {
        row[j] = hidden.nextGaussian() * 0.5;
      }
    }
    for (int j = 0; j < STATE_DIM; j++) {
      goal[j] = hidden.nextGaussian();
    }
    this.random = new Random(seed);
  }

  private ControlWorld(ControlWorld same, double goalSign) {
    for (int i = 0; i < ACTION_DIM; i++) {
      gain[i] = same.gain[i].clone();
    }
    for (int j = 0; j < STATE_DIM; j++) {
      goal[j] = same.goal[j] * goalSign;
    }
    this.random = same.random;
  }

  /** The same dynamics with the goal reversed: preference drift for control agents. */
  public ControlWorld withReversedGoal() {
    return new ControlWorld(this, -1);
  }

  public double trueReward(float[] state, float[] action) {
    double r = 0;
    for (int j = 0; j < STATE_DIM; j++) {
      r += goal[j] * state[j];
    }
    for (int i = 0; i < ACTION_DIM; i++) {
      double ideal = 0;
      for (int j = 0; j < STATE_DIM; j++) {
        ideal += gain[i][j] * state[j];
      }
      r -= (action[i] - ideal) * (action[i] - ideal);
    }
    return r;
  }

  /**
   * @param skill standard deviation of the agent's action noise
   * @param bias added to every action component (policy drift moves it)
   * @param judge the world whose R(s, a) is the truth (differs from this one after preference drift)
   */
  public List<Step> episode(int length, double skill, double bias, ControlWorld judge) {
    List<Step> steps = new ArrayList<>(length);
    double[] s = initialState(random);
    for (int t = 0; t < length; t++) {
      float[] state = toFloats(s);
      float[] action = agentAction(s, skill, bias, random);
      steps.add(new Step(state, action, judge.trueReward(state, action)));
      s = nextState(s, action, random);
    }
    return steps;
  }

  /** A state as steps and the reward take it. */
  public static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /** An action with every component N(0, std²): random exploration, and a planner's candidate actions. */
  public static float[] randomAction(double std, Random random) {
    float[] action = new float[ACTION_DIM];
    for (int i = 0; i < ACTION_DIM; i++) {
      action[i] = (float) (std * random.nextGaussian());
    }
    return action;
  }

  /** Where an episode starts: every coordinate standard normal. */
  public static double[] initialState(Random random) {
    double[] s = new double[STATE_DIM];
    for (int j = 0; j < STATE_DIM; j++) {
      s[j] = random.nextGaussian();
    }
    return s;
  }

  /**
   * The dynamics: each coordinate decays by 0.8, the first {@value #ACTION_DIM} are pushed by 0.2 × the action, and
   * {@code noise} adds N(0, 0.3²) to each; a null {@code noise} gives the expected next state, what a planner that
   * knows the dynamics imagines.
   */
  public static double[] nextState(double[] s, float[] action, Random noise) {
    double[] next = new double[STATE_DIM];
    for (int j = 0; j < STATE_DIM; j++) {
      next[j] = 0.8 * s[j] + (j < ACTION_DIM ? 0.2 * action[j] : 0) + (noise == null ? 0 : 0.3 * noise.nextGaussian());
    }
    return next;
  }

  /** The action of a simulated agent of this world: the ideal feedback K·s, plus {@code bias} and N(0, skill²). */
  public float[] agentAction(double[] s, double skill, double bias, Random noise) {
    float[] action = new float[ACTION_DIM];
    for (int i = 0; i < ACTION_DIM; i++) {
      double ideal = 0;
      for (int j = 0; j < STATE_DIM; j++) {
        ideal += gain[i][j] * s[j];
      }
      action[i] = (float) (ideal + bias + skill * noise.nextGaussian());
    }
    return action;
  }
}
