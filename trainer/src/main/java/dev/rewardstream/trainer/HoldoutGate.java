package dev.rewardstream.trainer;

import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.TrainingExample;
import java.util.List;

/**
 * Decides whether a candidate may replace the live version, comparing both on the same holdout pairs. A candidate is
 * refused only when it is worse by more than the tolerance <em>and</em> the difference is not noise: a one-sided
 * McNemar test on the pairs where exactly one of the two models is right (z > 1.645, 5%). On a window of a few dozen
 * pairs a raw accuracy comparison would refuse good candidates at random.
 */
public final class HoldoutGate {

  static final double Z_95_ONE_SIDED = 1.645;

  private HoldoutGate() {}

  /** The comparison, with what was counted. */
  public record Verdict(boolean publish, int pairs, double candidateAccuracy, double liveAccuracy,
      int onlyCandidateRight, int onlyLiveRight, double z) {}

  public static Verdict decide(List<TrainingExample> window, double[][] candidate, double[][] live,
      double tolerance) {
    int pairs = 0;
    int candidateRight = 0;
    int liveRight = 0;
    int onlyCandidate = 0;
    int onlyLive = 0;
    for (int i = 0; i < window.size(); i++) {
      TrainingExample example = window.get(i);
      if (example.getKind() != ExampleKind.PAIRWISE || example.getTarget() == 0.5f) {
        continue;
      }
      boolean aPreferred = example.getTarget() > 0.5f;
      boolean c = (candidate[i][0] > candidate[i][1]) == aPreferred;
      boolean l = (live[i][0] > live[i][1]) == aPreferred;
      pairs++;
      candidateRight += c ? 1 : 0;
      liveRight += l ? 1 : 0;
      onlyCandidate += c && !l ? 1 : 0;
      onlyLive += l && !c ? 1 : 0;
    }
    double candidateAccuracy = pairs == 0 ? Double.NaN : (double) candidateRight / pairs;
    double liveAccuracy = pairs == 0 ? Double.NaN : (double) liveRight / pairs;
    int discordant = onlyCandidate + onlyLive;
    double z = discordant == 0 ? 0 : (onlyLive - onlyCandidate) / Math.sqrt(discordant);
    boolean worse = pairs > 0 && liveAccuracy - candidateAccuracy > tolerance && z > Z_95_ONE_SIDED;
    return new Verdict(!worse, pairs, candidateAccuracy, liveAccuracy, onlyCandidate, onlyLive, z);
  }
}
