package dev.rewardstream.trainer;

import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the trainer does with each example, apart from Kafka: examples wait in {@code pending} and are learned in
 * batches of {@code batchSize} (with as many replayed examples when the learner replays), and the recent ones
 * validate each candidate version. The benchmark drives the same schedule, so what it measures is what the running
 * trainer does.
 *
 * <p>Validation is progressive by default ({@code holdoutPercent} 0): each example is scored by the model as it stands
 * just before learning it, and a candidate is judged on those scores, an unbiased estimate of how it does on data it
 * has not seen (Blum, Kalai and Langford 1999), with every label also learned. With a {@code holdoutPercent} above 0,
 * that share of the examples (chosen by hash of the id, the same on every run) is never learned and validates instead:
 * measured, withholding a tenth of the labels cost the online learner up to two points of accuracy at every label
 * count.
 */
public final class TrainingSchedule {

  private final TrainerConfig config;
  private final ReplayBuffer replay;
  private final Deque<TrainingExample> holdout = new ArrayDeque<>();
  private final Deque<Scored> scoredBeforeLearning = new ArrayDeque<>();
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

  /** The examples that validate a candidate, with the candidate's rewards of their sides. */
  public record Validation(List<TrainingExample> examples, double[][] candidateRewards) {}

  private record Scored(TrainingExample example, double[] rewards) {}

  private boolean progressive() {
    return config.holdoutPercent() == 0;
  }

  /** Holds {@code example} out for validation or queues it for learning; returns whether it was held out. */
  public boolean accept(TrainingExample example) {
    if (!progressive() && TrainerService.isHoldout(example.getExampleId(), config.holdoutPercent())) {
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
      if (progressive()) {
        double[][] before = SideRewards.of(fresh, learner::score);
        for (int i = 0; i < fresh.size(); i++) {
          scoredBeforeLearning.addLast(new Scored(fresh.get(i), before[i]));
        }
        while (scoredBeforeLearning.size() > config.holdoutWindow()) {
          scoredBeforeLearning.removeFirst();
        }
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

  /** The recent validation examples, oldest first, and how {@code learner}, the candidate, scores them. */
  public Validation validation(RewardLearner learner) {
    if (progressive()) {
      List<TrainingExample> examples = new ArrayList<>(scoredBeforeLearning.size());
      double[][] rewards = new double[scoredBeforeLearning.size()][];
      int i = 0;
      for (Scored scored : scoredBeforeLearning) {
        examples.add(scored.example());
        rewards[i++] = scored.rewards();
      }
      return new Validation(examples, rewards);
    }
    List<TrainingExample> window = new ArrayList<>(holdout);
    return new Validation(window, SideRewards.of(window, learner::score));
  }

  /** How many examples validate the next candidate. */
  public int validationSize() {
    return progressive() ? scoredBeforeLearning.size() : holdout.size();
  }

  public long examplesTrained() {
    return examplesTrained;
  }

  public long steps() {
    return steps;
  }
}
