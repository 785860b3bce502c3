package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.OnlineRewardLearner;
import dev.rewardstream.trainer.RewardLearner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Optimizer steps of the trainer's learner (default architecture) on pre-built pairwise examples, at batch sizes 16, 64
 * and 256: examples per second of {@code trainStep} alone, without Kafka or featurization. A few warm-up steps per
 * size are not timed (first-call allocation in PyTorch).
 */
final class TrainerThroughputBench implements BenchScenario {

  static final int[] BATCH_SIZES = {16, 64, 256};

  @Override
  public String name() {
    return "trainer-throughput";
  }

  @Override
  public Result run(Context context) {
    double secondsPerSize = context.quick() ? 1 : 15;
    FeatureSpec spec = FeatureSpec.DEFAULT;
    List<TrainingExample> examples = examples(spec, 2048, context.seed());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("device", OnlineRewardLearner.device().toString());
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Examples per second of learning alone, %.0f s "
        + "per batch size; the network on %s.%n%n| learner | batch size | examples/s | steps/s |%n|---|---|---|---|%n",
        secondsPerSize, OnlineRewardLearner.device()));
    LearnerOptions online = LearnerOptions.defaults();
    LearnerOptions network = LearnerOptions.network();
    figures.put("architecture", RewardLearner.architecture(spec, online).describe());
    figures.put("batch_size", measure(spec, online, examples, secondsPerSize, md, context));
    figures.put("network_architecture", RewardLearner.architecture(spec, network).describe());
    figures.put("network_batch_size", measure(spec, network, examples, secondsPerSize, md, context));
    return Result.of(figures, md.toString());
  }

  private static Map<String, Object> measure(FeatureSpec spec, LearnerOptions options, List<TrainingExample> examples,
      double secondsPerSize, StringBuilder md, Context context) {
    Map<String, Object> bySize = new LinkedHashMap<>();
    try (RewardLearner learner = RewardLearner.create(spec, options)) {
      for (int size : BATCH_SIZES) {
        for (int w = 0; w < 5; w++) {
          learner.trainStep(batch(examples, w, size));
        }
        long start = System.nanoTime();
        int steps = 0;
        while (System.nanoTime() - start < secondsPerSize * 1e9) {
          learner.trainStep(batch(examples, steps, size));
          steps++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double perSecond = steps * size / seconds;
        bySize.put(Integer.toString(size), Map.of("examples_per_s", Math.round(perSecond),
            "steps_per_s", Stats.round(steps / seconds)));
        md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f |%n", options.describe(), size, perSecond,
            steps / seconds));
        context.progress().accept(String.format(Locale.ROOT, "trainer-throughput: %s, batch %d: %.0f examples/s",
            options.algorithm().cliName(), size, perSecond));
      }
    }
    return bySize;
  }

  private static List<TrainingExample> batch(List<TrainingExample> examples, int step, int size) {
    int from = (step * size) % (examples.size() - size);
    return examples.subList(from, from + size);
  }

  private static List<TrainingExample> examples(FeatureSpec spec, int n, long seed) {
    Featurizer featurizer = new Featurizer(spec);
    return PairCollector.simulateText(Scenario.STATIONARY, n, seed).stream().map(p -> Examples.of(featurizer, p))
        .toList();
  }
}
