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
  /** Examples trained when the version was published. */
  public static final String EXAMPLES_TRAINED = "examples_trained";
  /** The recent training loss when the version was published, to set beside its holdout log-loss. */
  public static final String TRAINING_LOSS = "training_loss";
  /** Candidates the trainer's publish gate had refused, in all, when the version was published. */
  public static final String CANDIDATES_REFUSED = "candidates_refused";
  /** The event time of the newest preference the version learned, epoch ms (exact as a double below 2^53). */
  public static final String NEWEST_EXAMPLE_EVENT_TIME_MS = "newest_example_event_time_ms";

  private VersionMetrics() {}
}
