package dev.rewardstream.bench;

import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.ReplayBuffer;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainingSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Feeds a labelled stream to a learner the way the running trainer would receive it, on a simulated clock: labels
 * arrive at a steady rate, the trainer polls every {@value #POLL_MILLIS} ms, hands what arrived to its
 * {@link TrainingSchedule} (holdout split, batches, replay as the trainer config says) and trains, and it publishes a
 * version when a publish is due by steps or by time, after training everything pending, as the trainer does. What a
 * user gets after N labels is the version published last before then, so listeners see the learner at publish
 * moments only.
 */
final class TrainerCadence {

  static final int POLL_MILLIS = 200;

  /** Told of each publish. */
  interface PublishListener<P> {
    /**
     * @param labelsArrived labels that had arrived when the version was published
     * @param trained the labels the published version learned from (arrived and not held out), in arrival order
     */
    void published(int labelsArrived, RewardLearner learner, List<P> trained);
  }

  private final TrainerConfig config;
  private final double labelsPerPoll;
  private final int pollsPerPublish;

  TrainerCadence(TrainerConfig config, double labelsPerSecond) {
    if (!(labelsPerSecond > 0)) {
      throw new IllegalArgumentException("labels must arrive at a positive rate, got " + labelsPerSecond + "/s");
    }
    this.config = config;
    this.labelsPerPoll = labelsPerSecond * POLL_MILLIS / 1000.0;
    this.pollsPerPublish = (int) Math.max(1, -Math.floorDiv(-config.publishInterval().toMillis(), POLL_MILLIS));
  }

  /** Labels that arrive between two time-driven publishes. */
  int labelsPerPublish() {
    return (int) Math.ceil(labelsPerPoll * pollsPerPublish);
  }

  /**
   * What a user has after each of {@code counts} labels (ascending): {@code measure} of the version published last
   * before the count's label arrived, or {@code beforeFirst} when none was published yet. Only the publishes that can
   * be that last one are measured: a publish comes at least every {@link #labelsPerPublish} labels.
   */
  <P> double[] lastPublishedBefore(RewardLearner learner, List<P> stream, Function<P, TrainingExample> example,
      int[] counts, ToDoubleFunction<RewardLearner> measure, double beforeFirst) {
    double[] figures = new double[counts.length];
    java.util.Arrays.fill(figures, beforeFirst);
    int window = 2 * labelsPerPublish();
    run(learner, stream, counts[counts.length - 1], example, (arrived, published, trained) -> {
      double measured = Double.NaN;
      for (int c = 0; c < counts.length; c++) {
        if (arrived <= counts[c] && arrived > counts[c] - window) {
          if (Double.isNaN(measured)) {
            measured = measure.applyAsDouble(published);
          }
          figures[c] = measured;
        }
      }
    });
    return figures;
  }

  /** Runs {@code labels} labels of {@code stream} through {@code learner}. */
  <P> void run(RewardLearner learner, List<P> stream, int labels, Function<P, TrainingExample> example,
      PublishListener<P> listener) {
    TrainingSchedule schedule = new TrainingSchedule(config,
        new ReplayBuffer(config.replayCapacity(), config.replayCapacity(), 42));
    List<P> trained = new ArrayList<>();
    int arrived = 0;
    long polls = 0;
    long stepsSincePublish = 0;
    int pollsSincePublish = 0;
    while (arrived < labels) {
      // Arrivals by the clock, so that a rate of 8/s brings 1 or 2 labels a poll, 1.6 on average.
      int due = (int) Math.min(labels, Math.floor(++polls * labelsPerPoll + 1e-9));
      while (arrived < due) {
        P pair = stream.get(arrived++);
        if (!schedule.accept(example.apply(pair))) {
          trained.add(pair);
        }
      }
      pollsSincePublish++;
      stepsSincePublish += schedule.train(learner, true);
      if (stepsSincePublish > 0 && (stepsSincePublish >= config.publishEverySteps()
          || pollsSincePublish >= pollsPerPublish)) {
        schedule.train(learner, true);
        stepsSincePublish = 0;
        pollsSincePublish = 0;
        listener.published(arrived, learner, trained);
      }
    }
  }
}
