package dev.rewardstream.drift;

/**
 * A detector's answer to one observation.
 *
 * @param state whether it evaluated and what it found
 * @param statistic the value compared with {@code threshold}
 * @param threshold the value beyond which the statistic means drift
 * @param referenceWindow what the statistic compared against, for the alert
 * @param currentWindow what was compared, for the alert
 * @param detail one human-readable sentence
 */
public record Verdict(State state, double statistic, double threshold, String referenceWindow, String currentWindow,
    String detail) {

  /** PENDING: not evaluated at this observation (still filling a window, or between evaluations). */
  public enum State { PENDING, CLEAR, DRIFT }

  public static final Verdict PENDING = new Verdict(State.PENDING, Double.NaN, Double.NaN, null, null, "");

  public static Verdict of(boolean drift, double statistic, double threshold, String referenceWindow,
      String currentWindow, String detail) {
    return new Verdict(drift ? State.DRIFT : State.CLEAR, statistic, threshold, referenceWindow, currentWindow, detail);
  }
}
