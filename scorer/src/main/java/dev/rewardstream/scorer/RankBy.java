package dev.rewardstream.scorer;

import dev.rewardstream.schema.RecordRejectedException;
import java.util.Locale;

/**
 * Which reward orders candidates, best first: the ensemble mean, or the pessimistic (mean − k·std) value, which
 * passes over candidates the model is unsure of (a known remedy against over-optimizing a learned reward), or the
 * optimistic one (mean + k·std), for exploration.
 */
public enum RankBy {
  MEAN, PESSIMISTIC, OPTIMISTIC;

  public static RankBy parse(String name) {
    for (RankBy by : values()) {
      if (by.name().equalsIgnoreCase(name)) {
        return by;
      }
    }
    throw new RecordRejectedException("by must be mean, pessimistic or optimistic, got '" + name + "'");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value that ranks: {@code mean}, or {@code mean ∓ k·std}. */
  public double of(double mean, double pessimistic, double optimistic) {
    return switch (this) {
      case MEAN -> mean;
      case PESSIMISTIC -> pessimistic;
      case OPTIMISTIC -> optimistic;
    };
  }
}
