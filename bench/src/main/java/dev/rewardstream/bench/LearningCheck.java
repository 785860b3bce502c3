package dev.rewardstream.bench;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.bench.LabelStreams.LabelledPair;
import dev.rewardstream.sim.ScenarioSimulator.LabelledAnswers;
import dev.rewardstream.sim.TextWorld;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.TrainerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the running system learns from its labels what the learner bench says it should, while it runs: a fixed
 * set of fresh answer pairs of the world, never labelled for training, is ordered by the version the scorer serves
 * and, for the same labels, by the learner bench's trainer ({@link TrainerCadence}: the trainer's learner, schedule
 * and publish cadence at the same label rate, without the pipeline); both against the hidden true reward.
 */
public final class LearningCheck {

  /**
   * @param labels labels published so far
   * @param version the version the scorer serves (0: none yet)
   * @param served its accuracy against the true order on the fresh pairs
   * @param bench the learner bench's accuracy after the same labels
   */
  public record Figures(int labels, long version, double served, double bench) {}

  public static final int MAX_LABELS = 20_000;

  private final TrainerConfig config;
  private final double labelsPerSecond;
  private final Featurizer featurizer;
  private final List<LabelledPair> fresh;
  private final List<TrainingExample> examples = new ArrayList<>();

  private LearningCheck(TrainerConfig config, double labelsPerSecond, List<LabelledPair> fresh) {
    this.config = config;
    this.labelsPerSecond = labelsPerSecond;
    this.featurizer = new Featurizer(config.featureSpec());
    this.fresh = fresh;
  }

  /**
   * Draws {@code freshPairs} pairs from {@code world}'s agents up front (a prompt, two answers each), so draw them
   * before the world's stream starts.
   *
   * @param labelsPerSecond the rate at which labels are published, for the bench's clock
   */
  public static LearningCheck of(TrainerConfig config, double labelsPerSecond, TextWorld world, int freshPairs) {
    LearningCheck check = new LearningCheck(config, labelsPerSecond, new ArrayList<>(freshPairs));
    while (check.fresh.size() < freshPairs) {
      String prompt = world.prompt();
      String a = world.response();
      String b = world.response();
      double rewardA = world.trueReward(a);
      double rewardB = world.trueReward(b);
      if (rewardA != rewardB) {
        check.fresh.add(new LabelledPair(check.example("fresh-" + check.fresh.size(), prompt, a, b, true), null, null,
            rewardA, rewardB, Double.NaN, new LabelStreams.Texts(prompt, a, b)));
      }
    }
    return check;
  }

  public int freshPairs() {
    return fresh.size();
  }

  /**
   * Both figures after the labels published so far; the bench relearns them all (microseconds a label, and the demo
   * stops checking at {@value #MAX_LABELS} labels, the learner bench's largest count).
   */
  public Figures measure(List<LabelledAnswers> labelled, Optional<LoadedModel> served) {
    for (int i = examples.size(); i < Math.min(labelled.size(), MAX_LABELS); i++) {
      LabelledAnswers pair = labelled.get(i);
      examples.add(example("label-" + i, pair.prompt(), pair.a(), pair.b(), pair.prefersA()));
    }
    int labels = examples.size();
    double servedAccuracy = served.map(model -> accuracy(model::score)).orElse(0.5);
    double bench = 0.5;
    if (labels > 0) {
      try (RewardLearner learner = RewardLearner.create(config.featureSpec(), config.learner())) {
        bench = new TrainerCadence(config, labelsPerSecond).lastPublishedBefore(learner, examples, example -> example,
            new int[] {labels}, published -> accuracy(published::score), 0.5)[0];
      }
    }
    return new Figures(labels, served.map(LoadedModel::version).orElse(0L), servedAccuracy, bench);
  }

  private double accuracy(java.util.function.Function<List<SparseFeatures>, float[]> score) {
    return LabelEfficiencyBench.accuracy(LabelEfficiencyBench.margins(score, fresh), fresh);
  }

  private TrainingExample example(String id, String prompt, String a, String b, boolean prefersA) {
    return LabelStreams.example(config.featureSpec(), id, List.of(featurize(prompt, a)), List.of(featurize(prompt, b)),
        prefersA);
  }

  private SparseFeatures featurize(String prompt, String response) {
    return featurizer.featurize(Interaction.newBuilder().setInteractionId("").setAgentId("").setPolicyVersion("")
        .setEventTime(Instant.EPOCH).setPrompt(prompt).setResponse(response).build());
  }
}
