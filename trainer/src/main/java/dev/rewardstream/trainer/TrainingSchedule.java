package dev.rewardstream.trainer;

import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

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
  private final ScopeAgreement scopeAgreement = new ScopeAgreement();
  private long examplesTrained;
  private long steps;
  /** Exponentially weighted over recent steps (weight 0.1 each): one batch's loss is too noisy to plot. */
  private double trainingLoss = Double.NaN;
  private long newestTrainedEventTimeMs;
  /** Examples scored before learning so far, and how many of them the live version had learned when published. */
  private long learnedSequence;
  private long gateFromSequence;

  public TrainingSchedule(TrainerConfig config, ReplayBuffer replay) {
    this.config = config;
    this.replay = replay;
  }

  /** Resumes the counters of a checkpoint. */
  void resume(long examplesTrained, long steps) {
    this.examplesTrained = examplesTrained;
    this.steps = steps;
  }

  /**
   * The examples that validate a candidate, with the candidate's rewards of their sides; the ones from {@code gateFrom}
   * on were learned after the live version was published, so the live version has not seen them either and the two
   * can be compared on them (the earlier ones the live version learned: it would look better than it is there).
   */
  public record Validation(List<TrainingExample> examples, double[][] candidateRewards, int gateFrom) {

    public List<TrainingExample> gateExamples() {
      return examples.subList(gateFrom, examples.size());
    }

    public double[][] gateCandidateRewards() {
      return java.util.Arrays.copyOfRange(candidateRewards, gateFrom, candidateRewards.length);
    }
  }

  private record Scored(TrainingExample example, double[] rewards, long sequence) {}

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
        double[][] before = learner.sideRewards(fresh);
        for (int i = 0; i < fresh.size(); i++) {
          scoredBeforeLearning.addLast(new Scored(fresh.get(i), before[i], learnedSequence++));
          scopeAgreement.record(fresh.get(i), before[i]);
        }
        while (scoredBeforeLearning.size() > config.holdoutWindow()) {
          scoredBeforeLearning.removeFirst();
        }
      }
      double loss = learner.trainStep(batch);
      if (Double.isFinite(loss)) {
        trainingLoss = Double.isNaN(trainingLoss) ? loss : 0.9 * trainingLoss + 0.1 * loss;
      }
      for (TrainingExample example : fresh) {
        newestTrainedEventTimeMs = Math.max(newestTrainedEventTimeMs, example.getEventTime().toEpochMilli());
      }
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
      int gateFrom = scoredBeforeLearning.size();
      int i = 0;
      for (Scored scored : scoredBeforeLearning) {
        if (scored.sequence() >= gateFromSequence && gateFrom > i) {
          gateFrom = i;
        }
        examples.add(scored.example());
        rewards[i++] = scored.rewards();
      }
      return new Validation(examples, rewards, gateFrom);
    }
    List<TrainingExample> window = new ArrayList<>(holdout);
    return new Validation(window, learner.sideRewards(window), 0);
  }

  /** A version was published: the examples learned from now on are new to it. */
  public void published() {
    gateFromSequence = learnedSequence;
  }

  /**
   * A candidate was refused: the next one is judged on the examples learned from now on. Judging it again on the
   * window that refused this one would test the same evidence over and over, and one early bad stretch of the learner
   * would refuse every later candidate however much it has learned since.
   */
  public void refused() {
    gateFromSequence = learnedSequence;
  }

  /**
   * The model against the labels per policy and agent, as {@link dev.rewardstream.model.VersionMetrics} label keys;
   * measured under progressive validation only (with a holdout share, nothing is scored before it is learned).
   */
  public Map<String, Double> scopeAgreement() {
    return scopeAgreement.metrics();
  }

  /** How many examples validate the next candidate. */
  public int validationSize() {
    return progressive() ? scoredBeforeLearning.size() : holdout.size();
  }

  /** The recent training loss (per example, as the learner reports it); NaN before the first step. */
  public double trainingLoss() {
    return trainingLoss;
  }

  /** The event time of the newest example trained on (its preference's time), epoch ms; 0 before the first. */
  public long newestTrainedEventTimeMs() {
    return newestTrainedEventTimeMs;
  }

  public long examplesTrained() {
    return examplesTrained;
  }

  public long steps() {
    return steps;
  }
}
