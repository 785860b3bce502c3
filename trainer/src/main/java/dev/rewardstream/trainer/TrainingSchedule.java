package dev.rewardstream.trainer;

import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the trainer does with each example, apart from Kafka: a fixed share goes to the holdout window that validates
 * candidates (chosen by hash of the example id, so the same on every run), the rest waits in {@code pending} and is
 * learned in batches of {@code batchSize} (with as many replayed examples when the learner replays). The benchmark
 * drives the same schedule, so what it measures is what the running trainer does.
 */
public final class TrainingSchedule {

  private final TrainerConfig config;
  private final ReplayBuffer replay;
  private final Deque<TrainingExample> holdout = new ArrayDeque<>();
  private final List<TrainingExample> pending = new ArrayList<>();
  private long examplesTrained;
  private long steps;

  public TrainingSchedule(TrainerConfig config, ReplayBuffer replay) {
    this.config = config;
    this.replay = replay;
  }

  /** Resumes the counters of a checkpoint. */
  void resume(long examplesTrained, long steps) {
    this.examplesTrained = examplesTrained;
    this.steps = steps;
  }

  /** Holds {@code example} out for validation or queues it for learning; returns whether it was held out. */
  public boolean accept(TrainingExample example) {
    if (TrainerService.isHoldout(example.getExampleId(), config.holdoutPercent())) {
      holdout.addLast(example);
      if (holdout.size() > config.holdoutWindow()) {
        holdout.removeFirst();
      }
      return true;
    }
    pending.add(example);
    return false;
  }

  /**
   * Learns the pending examples in batches of {@code batchSize}, and the rest too when {@code drain} (the consumer
   * found nothing more to read, so waiting would only delay them); returns the optimizer steps taken.
   */
  public int train(RewardLearner learner, boolean drain) {
    int taken = 0;
    while (pending.size() >= config.batchSize() || (drain && !pending.isEmpty())) {
      int take = Math.min(config.batchSize(), pending.size());
      List<TrainingExample> fresh = new ArrayList<>(pending.subList(0, take));
      pending.subList(0, take).clear();
      List<TrainingExample> batch = new ArrayList<>(fresh);
      if (config.learner().replays()) {
        batch.addAll(replay.sample(take));
      }
      learner.trainStep(batch);
      // Kept either way: the recent ones set the reward normalization while the holdout is small.
      fresh.forEach(replay::add);
      examplesTrained += take;
      steps++;
      taken++;
    }
    return taken;
  }

  /** The recent held-out examples, oldest first. */
  public List<TrainingExample> holdoutWindow() {
    return new ArrayList<>(holdout);
  }

  public int holdoutSize() {
    return holdout.size();
  }

  public long examplesTrained() {
    return examplesTrained;
  }

  public long steps() {
    return steps;
  }
}
