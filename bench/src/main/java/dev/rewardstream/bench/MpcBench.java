package dev.rewardstream.bench;

import dev.rewardstream.model.ArtifactStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.bench.LabelStreams.LabelledPair;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.scorer.NormalizationTable;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScoringHttpServer;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.sim.ControlWorld;
import dev.rewardstream.sim.RandomShootingPlanner;
import dev.rewardstream.sim.RandomShootingPlanner.ImaginedStep;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.TrainerConfig;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The trajectory API's use, end to end: a random-shooting model-predictive controller ({@link RandomShootingPlanner})
 * acts in {@link ControlWorld} by asking {@code POST /v1/trajectories} to rank its imagined action sequences, while
 * the reward model learns from segment preferences on that world's episodes (the {@code control-segments} label stream
 * of {@code label-efficiency}, driven as the running trainer drives its learner). After N labels, the version
 * published last is served, and the planner's true return over fixed episodes is measured. Anchors in the same run,
 * on the same episodes: random actions, the simulator's steady agent (which knows the ideal feedback gain), and the
 * same planner ranking by the true reward (what a perfect reward model would give it).
 */
final class MpcBench implements BenchScenario {

  private static final double LABELS_PER_SECOND = 10;
  private static final int EPISODE = 20;
  private static final int CANDIDATES = 128;
  private static final int HORIZON = 5;
  private static final double ACTION_STD = 1.0;
  private static final double GAMMA = 0.99;
  /** A learner, and whether environment rewards arrive besides the preference labels. */
  private record Variant(String name, LearnerOptions options, boolean environmentRewards) {}

  /** Steps of an episode of the environment-rewards stream, each rewarded, per preference label. */
  private static final int REWARDED_STEPS_PER_LABEL = 10;

  /**
   * Pointwise examples from environment rewards, as the feature job makes them from dense rewards: per label, the
   * {@value #REWARDED_STEPS_PER_LABEL} steps of a fresh episode by a steady or shaky agent, each with its true reward,
   * standardized by the rewards' mean and std (the feature job standardizes with its running statistics).
   */
  private static List<List<TrainingExample>> environmentRewards(FeatureSpec spec, long seed, int labels) {
    ControlWorld world = new ControlWorld(seed);
    Random agents = new Random(seed * 31 + 7);
    Featurizer featurizer = new Featurizer(spec);
    List<List<ControlWorld.Step>> episodes = new ArrayList<>(labels);
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < labels; i++) {
      List<ControlWorld.Step> episode = world.episode(REWARDED_STEPS_PER_LABEL, agents.nextBoolean() ? 0.3 : 0.6, 0,
          world);
      for (ControlWorld.Step step : episode) {
        sum += step.trueReward();
        squares += step.trueReward() * step.trueReward();
      }
      episodes.add(episode);
    }
    int n = labels * REWARDED_STEPS_PER_LABEL;
    double mean = sum / n;
    double std = Math.sqrt(Math.max(1e-12, squares / n - mean * mean));
    List<List<TrainingExample>> examples = new ArrayList<>(labels);
    for (int i = 0; i < labels; i++) {
      List<TrainingExample> rewarded = new ArrayList<>(REWARDED_STEPS_PER_LABEL);
      for (ControlWorld.Step step : episodes.get(i)) {
        SparseFeatures features = featurizer.featurizeNumbers(step.state(), step.action()).toAvro();
        rewarded.add(TrainingExample.newBuilder().setExampleId("reward-" + seed + "-" + i + "-" + rewarded.size())
            .setKind(ExampleKind.POINTWISE).setFeatureSpec(spec.fingerprint()).setA(List.of(features))
            .setB(List.of()).setTarget((float) ((step.trueReward() - mean) / std)).setSource(LabelSource.SYNTHETIC)
            .setEventTime(Instant.EPOCH).setProducedAt(Instant.EPOCH).build());
      }
      examples.add(rewarded);
    }
    return examples;
  }

  @Override
  public String name() {
    return "mpc";
  }

  @Override
  public Result run(Context context) throws Exception {
    int seeds = context.quick() ? 1 : 3;
    int episodes = context.quick() ? 3 : 8;
    int[] counts = context.quick() ? new int[] {100, 400} : new int[] {100, 250, 500, 1_000, 2_000};
    int maxLabels = counts[counts.length - 1];
    TrainerConfig trainerConfig = TrainerConfig.defaults(KafkaConnection.plaintext("in-process"), null);
    Map<String, FeatureSpec> specs = new LinkedHashMap<>();
    specs.put("unit vectors (default spec)", FeatureSpec.DEFAULT);
    specs.put("quadratic numbers", FeatureSpec.DEFAULT.withQuadraticNumbers());
    Map<String, double[][]> planner = new LinkedHashMap<>();
    double[] random = new double[seeds];
    double[] steady = new double[seeds];
    double[] oracle = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      long seed = context.seed() + s;
      ControlWorld world = new ControlWorld(seed);
      random[s] = meanReturn(world, seed, episodes, (state, rng) -> ControlWorld.randomAction(ACTION_STD, rng));
      steady[s] = meanReturn(world, seed, episodes, (state, rng) -> world.agentAction(state, 0.3, 0, rng));
      oracle[s] = meanReturn(world, seed, episodes, plannerPolicy(seed, trajectories -> trueBest(world,
          trajectories)));
    }
    NormalizationTable normalization = new NormalizationTable();
    normalization.update(identityStatistics("default"));
    Path artifacts = Files.createTempDirectory("rewardstream-bench-mpc-");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ObjectMapper json = new ObjectMapper();
    AtomicLong versions = new AtomicLong();
    try {
      for (Map.Entry<String, FeatureSpec> features : specs.entrySet()) {
        FeatureSpec spec = features.getValue();
        ScorerConfig defaults = ScorerConfig.defaults();
        ScorerConfig config = new ScorerConfig(defaults.modelName(), spec, defaults.maxTextChars(),
            defaults.retainedOutputs(), defaults.rescoreCheckInterval());
        try (ModelHolder models = new ModelHolder(config.modelName(), spec, ArtifactStore.at(artifacts));
            ScoringHttpServer server = ScoringHttpServer.start("127.0.0.1", 0, models, normalization, config,
                () -> KafkaStreams.State.RUNNING, 2, new CompositeMeterRegistry())) {
          String url = server.url() + "/v1/trajectories";
          RandomShootingPlanner.TrajectoryRanker overApi = trajectories -> askApi(client, json, url, trajectories);
          List<Variant> variants = new ArrayList<>(List.of(new Variant("default learner", LearnerOptions.defaults(),
              false), new Variant("network learner", LearnerOptions.network(), false)));
          if (spec.quadraticNumbers()) {
            variants.add(new Variant("default learner + environment rewards", LearnerOptions.defaults(), true));
          }
          for (Variant variant : variants) {
            double[][] figures = planner.computeIfAbsent(variant.name() + ", " + features.getKey(),
                key -> new double[counts.length][seeds]);
            LearnerOptions options = variant.options();
            boolean rewards = variant.environmentRewards();
            for (int s = 0; s < seeds; s++) {
              long seed = context.seed() + s;
              ControlWorld world = new ControlWorld(seed);
              List<TrainingExample> stream = new ArrayList<>();
              List<LabelledPair> preferences = new LabelStreams.Control(spec).streams(seed, maxLabels, 0).stream();
              List<List<TrainingExample>> rewarded = rewards
                  ? environmentRewards(spec, seed, maxLabels) : List.of();
              for (int i = 0; i < preferences.size(); i++) {
                stream.add(preferences.get(i).example());
                if (rewards) {
                  stream.addAll(rewarded.get(i));
                }
              }
              int perLabel = stream.size() / preferences.size();
              int[] positions = new int[counts.length];
              for (int c = 0; c < counts.length; c++) {
                positions[c] = counts[c] * perLabel;
              }
              context.progress().accept(String.format(Locale.ROOT, "mpc: %s, %s, seed %d, up to %,d labels",
                  variant.name(), features.getKey(), seed, maxLabels));
              // Environment rewards come with the episodes, as many per second as their steps, on top of the labels.
              TrainerCadence cadence = new TrainerCadence(trainerConfig, LABELS_PER_SECOND * perLabel);
              try (RewardLearner model = RewardLearner.create(spec, options)) {
                double[] returns = cadence.lastPublishedBefore(model, stream, example -> example, positions,
                    published -> {
                      serve(models, published, artifacts, config, versions.incrementAndGet());
                      return meanReturn(world, seed, episodes, plannerPolicy(seed, overApi));
                    }, random[s]);
                for (int c = 0; c < counts.length; c++) {
                  figures[c][s] = returns[c];
                }
              }
            }
          }
        }
      }
    } finally {
      FreshnessBench.deleteQuietly(artifacts);
    }
    return report(counts, seeds, episodes, planner, random, steady, oracle);
  }

  /** What to do in a state, given the episode's random source. */
  @FunctionalInterface
  private interface Policy {
    float[] act(double[] state, Random random) throws Exception;
  }

  private static Policy plannerPolicy(long seed, RandomShootingPlanner.TrajectoryRanker ranker) {
    RandomShootingPlanner planner = new RandomShootingPlanner(CANDIDATES, HORIZON, ACTION_STD, seed * 7 + 3);
    return (state, random) -> planner.act(state, ranker);
  }

  /**
   * The mean undiscounted true return of {@code episodes} episodes; episode e starts from the same state and meets
   * the same dynamics noise whoever acts, so policies are compared on the same draws.
   */
  private static double meanReturn(ControlWorld world, long seed, int episodes, Policy policy) {
    double total = 0;
    for (int e = 0; e < episodes; e++) {
      Random dynamics = new Random(seed * 1_000 + e);
      Random actions = new Random(seed * 1_000 + e + 500);
      double[] s = ControlWorld.initialState(dynamics);
      for (int t = 0; t < EPISODE; t++) {
        float[] action;
        try {
          action = policy.act(s, actions);
        } catch (Exception ex) {
          throw new IllegalStateException("the policy failed at step " + t + " of episode " + e, ex);
        }
        total += world.trueReward(ControlWorld.toFloats(s), action);
        s = ControlWorld.nextState(s, action, dynamics);
      }
    }
    return total / episodes;
  }

  /** The planner's question as a client in any language would ask it: JSON, returns only, best first. */
  private static int askApi(HttpClient client, ObjectMapper json, String url, List<List<ImaginedStep>> trajectories)
      throws Exception {
    ObjectNode request = json.createObjectNode().put("environment", "default").put("gamma", GAMMA)
        .put("by", "pessimistic").put("steps", false);
    ArrayNode all = request.putArray("trajectories");
    for (List<ImaginedStep> trajectory : trajectories) {
      ArrayNode steps = all.addArray();
      for (ImaginedStep step : trajectory) {
        ObjectNode node = steps.addObject();
        ArrayNode state = node.putArray("state");
        for (float v : step.state()) {
          state.add(v);
        }
        ArrayNode action = node.putArray("action");
        for (float v : step.action()) {
          action.add(v);
        }
      }
    }
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request.toString()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode answer = json.readTree(response.body());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the trajectory API answered " + response.statusCode() + ": " + answer);
    }
    return answer.get("trajectories").get(0).get("index").asInt();
  }

  /** The best imagined trajectory by its discounted true return: the ranking a perfect reward model would give. */
  private static int trueBest(ControlWorld world, List<List<ImaginedStep>> trajectories) {
    int best = 0;
    double bestReturn = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < trajectories.size(); c++) {
      double value = 0;
      double discount = 1;
      for (ImaginedStep step : trajectories.get(c)) {
        value += discount * world.trueReward(step.state(), step.action());
        discount *= GAMMA;
      }
      if (value > bestReturn) {
        bestReturn = value;
        best = c;
      }
    }
    return best;
  }

  /** Writes {@code learner}'s model as {@code version} and makes it live in {@code models}, as a scorer would. */
  static void serve(ModelHolder models, RewardLearner learner, Path artifacts, ScorerConfig config,
      long version) {
    try {
      ModelArtifacts.Written written = learner.write(artifacts, config.modelName(), version);
      ModelUpdate update = ModelUpdate.newBuilder().setModelName(config.modelName()).setVersion(version)
          .setCreatedAt(Instant.now()).setArtifactUri(written.uri().toString()).setSha256(written.sha256())
          .setFeatureSpec(config.featureSpec().fingerprint()).setArchitecture(learner.architecture().describe())
          .setRewardMean(0).setRewardStd(1).setExamplesTrained(0).setMetrics(learner.versionMetrics()).build();
      if (!models.offer(update)) {
        throw new IllegalStateException("the scorer refused version " + version);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Statistics of mean 0 and std 1 for {@link ControlWorld}'s vectors: the API's normalization is then the identity.
   * The label stream featurizes raw states and actions (no environment, so "default"), and so must the planner's steps.
   */
  static NormalizationStats identityStatistics(String environment) {
    List<Double> zeros = Collections.nCopies(ControlWorld.STATE_DIM, 0.0);
    List<Double> ones = Collections.nCopies(ControlWorld.STATE_DIM, 1.0);
    return NormalizationStats.newBuilder().setEnvironment(environment).setCount(1).setRewardCount(0).setRewardMean(0)
        .setRewardStd(1).setStateMean(zeros).setStateStd(ones)
        .setActionMean(zeros.subList(0, ControlWorld.ACTION_DIM))
        .setActionStd(ones.subList(0, ControlWorld.ACTION_DIM)).setUpdatedAt(Instant.now()).build();
  }

  private Result report(int[] counts, int seeds, int episodes, Map<String, double[][]> planner, double[] random,
      double[] steady, double[] oracle) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("label_counts", counts);
    figures.put("seeds", seeds);
    figures.put("episodes_per_point", episodes);
    figures.put("episode_steps", EPISODE);
    figures.put("candidates", CANDIDATES);
    figures.put("horizon", HORIZON);
    Map<String, Object> anchors = new LinkedHashMap<>();
    anchors.put("random_actions", summary(random));
    anchors.put("steady_agent", summary(steady));
    anchors.put("planner_with_true_reward", summary(oracle));
    figures.put("anchors", anchors);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "A random-shooting MPC planner in `ControlWorld` "
            + "(3-d state, 2-d action, R(s, a) = w·s − |a − K·s|²): at each of an episode's %d steps it imagines %d "
            + "action sequences of %d steps (actions N(0, %.1f²), the world's expected dynamics) and follows the "
            + "first action of the one `POST /v1/trajectories` ranks best (`by: pessimistic`, γ %.2f, JSON). The "
            + "served model learns from the `control-segments` preference stream of the same world, driven as the "
            + "running trainer drives its learner (%.0f labels/s, a version every 2 s); after N labels the version "
            + "published last is served; the features are the default spec's (each numeric vector scaled to unit "
            + "length) or quadratic numbers (values at their scale and their pairwise products). \"+ environment "
            + "rewards\": with each label, the %d rewarded steps of an episode (dense environment rewards, standardized) "
            + "arrive too, as pointwise examples. Figure: true "
            + "return per episode, mean ± sd over %d seeds (%d fixed episodes "
            + "each, the same start states and dynamics noise for every policy).%n%n"
            + "| labels | %s |%n|---|%s%n",
        EPISODE, CANDIDATES, HORIZON, ACTION_STD, GAMMA, LABELS_PER_SECOND, REWARDED_STEPS_PER_LABEL, seeds, episodes,
        String.join(" | ", planner.keySet()), "---|".repeat(planner.size())));
    Map<String, Object> curves = new LinkedHashMap<>();
    List<Chart.Series> series = new ArrayList<>();
    double[] x = new double[counts.length];
    for (int c = 0; c < counts.length; c++) {
      x[c] = counts[c];
    }
    String[] colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"};
    int color = 0;
    for (Map.Entry<String, double[][]> learner : planner.entrySet()) {
      double[] mean = new double[counts.length];
      double[] sd = new double[counts.length];
      List<Object> points = new ArrayList<>();
      for (int c = 0; c < counts.length; c++) {
        mean[c] = Stats.mean(learner.getValue()[c]);
        sd[c] = Stats.sd(learner.getValue()[c]);
        points.add(summary(learner.getValue()[c]));
      }
      curves.put(learner.getKey(), points);
      series.add(Chart.Series.line("planner, " + learner.getKey(), colors[color++ % colors.length], x, mean)
          .withSpread(sd));
    }
    figures.put("planner_true_return", curves);
    for (int c = 0; c < counts.length; c++) {
      md.append(String.format(Locale.ROOT, "| %,d |", counts[c]));
      for (double[][] curve : planner.values()) {
        md.append(' ').append(pm(curve[c])).append(" |");
      }
      md.append(String.format("%n"));
    }
    md.append(String.format(Locale.ROOT, "%nAnchors on the same episodes: random actions %s; the simulator's steady "
        + "agent (knows K, action noise 0.3) %s; the same planner ranking by the true reward %s.%n%n"
        + "![MPC true return against labels](mpc.svg)%n", pm(random), pm(steady), pm(oracle)));
    Result result = Result.of(figures, md.toString());
    result.plots().put("mpc.svg", Chart.lines("MPC planner's true return as the reward model learns", "labels",
        "true return per episode", series, List.of(new Chart.Reference("random actions", Stats.mean(random)),
            new Chart.Reference("steady agent", Stats.mean(steady)),
            new Chart.Reference("planner with the true reward", Stats.mean(oracle))), true));
    return result;
  }

  private static Map<String, Object> summary(double[] values) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("mean", Stats.round(Stats.mean(values)));
    summary.put("sd", Stats.round(Stats.sd(values)));
    return summary;
  }

  private static String pm(double[] values) {
    return String.format(Locale.ROOT, "%.2f ± %.2f", Stats.mean(values), Stats.sd(values));
  }
}
