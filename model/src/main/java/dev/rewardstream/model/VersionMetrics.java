package dev.rewardstream.model;

/**
 * Keys of a model version's metrics on {@code model-updates}: written by the trainer, read by the scorer, the drift
 * monitor and the dashboard.
 */
public final class VersionMetrics {

  /** Pairwise accuracy of the candidate on its validation window, against the labels. */
  public static final String PAIRWISE_ACCURACY = "pairwise_accuracy";
  /** Bradley-Terry log-loss on the same window. */
  public static final String LOG_LOSS = "log_loss";
  /** Expected calibration error of the predicted preference probabilities. */
  public static final String CALIBRATION_ECE = "calibration_ece";
  /** Pairs in the validation window. */
  public static final String HOLDOUT_PAIRS = "holdout_pairs";
  /** Pointwise examples (environment rewards, ratings) in the validation window. */
  public static final String HOLDOUT_POINTS = "holdout_points";
  /** Mean squared error on them. */
  public static final String REGRESSION_MSE = "regression_mse";
  /**
   * Mean of the version's rewards over its reference sample; published per attribute head
   * ({@link #ofAttribute}) so each head's rewards can be compared on one scale (the served reward's is the update's
   * {@code reward_mean}).
   */
  public static final String REWARD_MEAN = "reward_mean";
  /** Standard deviation of the same. */
  public static final String REWARD_STD = "reward_std";
  /** Examples trained when the version was published. */
  public static final String EXAMPLES_TRAINED = "examples_trained";
  /** The recent training loss when the version was published, to set beside its holdout log-loss. */
  public static final String TRAINING_LOSS = "training_loss";
  /** Candidates the trainer's publish gate had refused, in all, when the version was published. */
  public static final String CANDIDATES_REFUSED = "candidates_refused";
  /** The event time of the newest preference the version learned, epoch ms (exact as a double below 2^53). */
  public static final String NEWEST_EXAMPLE_EVENT_TIME_MS = "newest_example_event_time_ms";
  /**
   * A linear version's prior variance of a weight no label has touched. Its members agree on such a weight (they
   * perturb only what labels touched), so when judging which pair to label, the scorer adds this variance for each
   * such feature a pair differs in: a word never labelled is exactly what a label would teach.
   */
  public static final String UNSEEN_WEIGHT_VARIANCE = "unseen_weight_variance";

  /**
   * Per-scope label agreement ({@link Scopes}): the key is the prefix followed by the scope. Measured on each scope's
   * most recent labelled pairs, each scored by the model as it stood just before learning it.
   */
  public static final String LABEL_PAIRS = "label_pairs|";
  /** Share of those pairs (ties left out) the model orders as the labelers did. */
  public static final String LABEL_ACCURACY = "label_accuracy|";
  /**
   * Over the pairs that compare the scope's output with another scope's: how much more often the model expects the
   * scope's output to win than the labelers chose it, mean of P_model(win) − label(win), in [-1, 1]. Positive: the
   * model pays this scope more than the labelers judge it worth.
   */
  public static final String LABEL_OVERRATING = "label_overrating|";
  /** How many pairs the overrating is over. */
  public static final String LABEL_CROSS_PAIRS = "label_cross_pairs|";

  /**
   * One attribute head's metric of a multi-attribute model, measured on the labels of that attribute only:
   * {@code pairwise_accuracy@helpfulness}.
   */
  public static String ofAttribute(String metric, String attribute) {
    return metric + "@" + attribute;
  }

  /** Whether {@code key} is one of the per-scope label metrics. */
  public static boolean isPerScope(String key) {
    return key.indexOf('|') >= 0;
  }

  private VersionMetrics() {}
}
