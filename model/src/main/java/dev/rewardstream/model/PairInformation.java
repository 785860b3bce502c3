package dev.rewardstream.model;

/**
 * How much a label on one pair would teach the model: the mutual information between the label and the model's
 * parameters (BALD, Houlsby et al. 2011), H(E[p]) − E[H(p)] in nats, with p = σ(rA − rB) under each plausible
 * model. It is high where the plausible models disagree about the pair, not where they agree on a coin flip: two
 * answers the model confidently finds equal teach nothing, however uncertain their order looks.
 *
 * @param probabilityA the model's P(A ≻ B), averaged over its plausible versions
 * @param marginMean mean of rA − rB
 * @param marginStd spread of rA − rB across the plausible versions
 * @param information expected information gain of a label, nats (0 … ln 2)
 */
public record PairInformation(double probabilityA, double marginMean, double marginStd, double information) {

  /** From each ensemble member's rewards of the two sides (the members are the plausible versions). */
  public static PairInformation ofMembers(float[] rewardsA, float[] rewardsB) {
    int k = rewardsA.length;
    double meanP = 0;
    double meanEntropy = 0;
    double meanMargin = 0;
    double squares = 0;
    for (int j = 0; j < k; j++) {
      double margin = rewardsA[j] - rewardsB[j];
      double p = Logistic.sigmoid(margin);
      meanP += p / k;
      meanEntropy += entropy(p) / k;
      meanMargin += margin / k;
      squares += margin * margin / k;
    }
    return new PairInformation(meanP, meanMargin, Math.sqrt(Math.max(0, squares - meanMargin * meanMargin)),
        Math.max(0, entropy(meanP) - meanEntropy));
  }

  /**
   * For a Gaussian belief about the margin, N(mean, std²), by Gauss-Hermite quadrature: for learners that know their
   * margin's posterior in closed form.
   */
  public static PairInformation ofGaussian(double mean, double std) {
    double meanP = 0;
    double meanEntropy = 0;
    for (int n = 0; n < HERMITE_NODES.length; n++) {
      double p = Logistic.sigmoid(mean + Math.sqrt(2) * std * HERMITE_NODES[n]);
      double w = HERMITE_WEIGHTS[n] / Math.sqrt(Math.PI);
      meanP += w * p;
      meanEntropy += w * entropy(p);
    }
    return new PairInformation(meanP, mean, std, Math.max(0, entropy(meanP) - meanEntropy));
  }

  private static double entropy(double p) {
    if (p <= 0 || p >= 1) {
      return 0;
    }
    return -p * Math.log(p) - (1 - p) * Math.log(1 - p);
  }

  /** Nodes and weights of 10-point Gauss-Hermite quadrature (weight function e^(−x²)). */
  private static final double[] HERMITE_NODES = {-3.4361591188377, -2.5327316742328, -1.7566836492999,
      -1.0366108297895, -0.3429013272237, 0.3429013272237, 1.0366108297895, 1.7566836492999, 2.5327316742328,
      3.4361591188377};
  private static final double[] HERMITE_WEIGHTS = {7.640432855233e-06, 1.343645746781e-03, 3.387439445548e-02,
      2.401386110823e-01, 6.108626337353e-01, 6.108626337353e-01, 2.401386110823e-01, 3.387439445548e-02,
      1.343645746781e-03, 7.640432855233e-06};
}
