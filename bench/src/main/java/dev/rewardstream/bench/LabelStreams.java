package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.sim.ControlWorld;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;

/**
 * Labelled pair streams of the label-efficiency worlds, each side featurized by the system's {@link Featurizer}: the
 * training example the trainer learns from, and the same features as sparse vectors for the anchors.
 */
final class LabelStreams {

  private LabelStreams() {}

  /**
   * One compared pair.
   *
   * @param example what the trainer receives (target 1 when A was preferred, else 0)
   * @param features x_A − x_B on the system's features, each side's steps summed
   * @param counts x_A − x_B on exact L2-normalized word counts of the responses, or null where there are no words
   * @param probabilityA the labeler's P(A preferred)
   * @param texts what an agent would publish for a text pair, or null where the sides are not texts
   */
  record LabelledPair(TrainingExample example, SparseVector features, SparseVector counts, double rewardA,
      double rewardB, double probabilityA, Texts texts) {

    double target() {
      return example.getTarget();
    }

    double bayesOptimal() {
      return Math.max(probabilityA, 1 - probabilityA);
    }
  }

  /** The prompt and the two answers a text pair compares. */
  record Texts(String prompt, String a, String b) {}

  /** The training stream of one seed and the fresh pairs that measure it (never labelled for training). */
  record Streams(List<LabelledPair> stream, List<LabelledPair> fresh) {}

  /** A world that produces pair streams. */
  interface World {
    String name();

    String describe();

    /** Whether the pairs carry exact word counts (text worlds do). */
    boolean hasCounts();

    /** Dimension of the count vectors. */
    int countDimension();

    Streams streams(long seed, int labels, int fresh);
  }

  static TrainingExample example(FeatureSpec spec, String id, List<SparseFeatures> a, List<SparseFeatures> b,
      boolean aPreferred) {
    return TrainingExample.newBuilder().setExampleId(id).setKind(ExampleKind.PAIRWISE)
        .setFeatureSpec(spec.fingerprint()).setA(a).setB(b).setTarget(aPreferred ? 1f : 0f)
        .setSource(LabelSource.SYNTHETIC).setEventTime(Instant.EPOCH).setProducedAt(Instant.EPOCH).build();
  }

  /** Both answers of a pair reply to one prompt, as a real pair does; the prompt's features then cancel. */
  static final class Text implements World {

    private final LabelWorlds.Spec spec;
    private final Featurizer featurizer;

    Text(LabelWorlds.Spec spec, FeatureSpec features) {
      this.spec = spec;
      this.featurizer = new Featurizer(features);
    }

    @Override
    public String name() {
      return spec.name();
    }

    @Override
    public String describe() {
      return spec.describe();
    }

    @Override
    public boolean hasCounts() {
      return true;
    }

    @Override
    public int countDimension() {
      return spec.vocabulary() + 1;
    }

    @Override
    public Streams streams(long seed, int labels, int fresh) {
      LabelWorlds.World world = new LabelWorlds.World(spec, seed);
      Random stream = new Random(seed * 31 + 1);
      Random labeler = new Random(seed * 31 + 2);
      List<LabelledPair> train = new ArrayList<>(labels);
      for (int i = 0; i < labels; i++) {
        train.add(pair(world, stream, labeler, spec.name() + "-" + seed + "-" + i));
      }
      // One generator for the fresh pairs' answers and labels: their labels are drawn but never used.
      Random evaluation = new Random(seed * 31 + 3);
      List<LabelledPair> evaluate = new ArrayList<>(fresh);
      for (int i = 0; i < fresh; i++) {
        evaluate.add(pair(world, evaluation, evaluation, "fresh-" + i));
      }
      return new Streams(train, evaluate);
    }

    private LabelledPair pair(LabelWorlds.World world, Random answers, Random labeler, String id) {
      String prompt = world.prompt(answers);
      int[] a = world.response(answers);
      int[] b = world.response(answers);
      Texts texts = new Texts(prompt, world.text(a), world.text(b));
      FeatureVector fa = featurize(prompt, texts.a());
      FeatureVector fb = featurize(prompt, texts.b());
      double rewardA = world.reward(a);
      double rewardB = world.reward(b);
      double pA = world.probabilityA(rewardA, rewardB);
      boolean aPreferred = labeler.nextDouble() < pA;
      return new LabelledPair(example(featurizer.spec(), id, List.of(fa.toAvro()), List.of(fb.toAvro()), aPreferred),
          SparseVector.difference(SparseVector.of(fa.indices(), fa.values()),
              SparseVector.of(fb.indices(), fb.values())),
          SparseVector.difference(counts(a), counts(b)), rewardA, rewardB, pA, texts);
    }

    private FeatureVector featurize(String prompt, String response) {
      return featurizer.featurizeVector(Interaction.newBuilder().setInteractionId("").setAgentId("")
          .setPolicyVersion("").setEventTime(Instant.EPOCH).setPrompt(prompt).setResponse(response).build());
    }

    /** Exact word counts by vocabulary id, L2-normalized: what hashing and bigrams could lose, nothing else. */
    private static SparseVector counts(int[] ids) {
      TreeMap<Integer, Integer> counts = new TreeMap<>();
      for (int id : ids) {
        counts.merge(id, 1, Integer::sum);
      }
      int[] indices = new int[counts.size()];
      double[] values = new double[counts.size()];
      double norm = 0;
      int k = 0;
      for (var e : counts.entrySet()) {
        indices[k] = e.getKey();
        values[k] = e.getValue();
        norm += values[k] * values[k];
        k++;
      }
      for (int i = 0; i < k; i++) {
        // Rounded through float as the featurizer's values are, so counts and hashed features differ only in content.
        values[i] = (float) (values[i] / Math.sqrt(norm));
      }
      return new SparseVector(indices, values);
    }
  }

  /**
   * Control agents ({@link ControlWorld}: R(s, a) = w·s − |a − K·s|²) compared on trajectory segments, as the
   * simulator's control pairs are: two episodes of {@value #EPISODE} steps by agents of random skill, the same
   * {@value #SEGMENT}-step window of each, labelled Bradley-Terry on the segments' true returns at temperature
   * {@value #TEMPERATURE}. Each step is featurized from its state and action alone; a side's reward is the sum of its
   * steps' rewards.
   */
  static final class Control implements World {

    static final int EPISODE = 20;
    static final int SEGMENT = 5;
    static final double TEMPERATURE = 1.0;
    /** Action noise of the simulator's steady and shaky agents. */
    private static final double[] SKILLS = {0.3, 0.6};

    private final Featurizer featurizer;

    Control(FeatureSpec features) {
      this.featurizer = new Featurizer(features);
    }

    @Override
    public String name() {
      return "control-segments";
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "Control episodes (3-d state, 2-d action, R(s, a) = w·s − |a − K·s|², hidden "
          + "w and K) by a steady (action noise %s) or a shaky (%s) agent, drawn per side; preferences between the "
          + "same %d-step window of two %d-step episodes, Bradley-Terry on the segments' true returns, T %s. Each "
          + "side is a list of %d steps featurized from state and action; a side's score is the sum of its steps' "
          + "rewards. No words: no count anchors.", SKILLS[0], SKILLS[1], SEGMENT, EPISODE, TEMPERATURE, SEGMENT,
          TEMPERATURE);
    }

    @Override
    public boolean hasCounts() {
      return false;
    }

    @Override
    public int countDimension() {
      return 0;
    }

    @Override
    public Streams streams(long seed, int labels, int fresh) {
      // One ControlWorld draws every episode: a second one of the same seed would replay the same episodes. The fresh
      // pairs come first so that they do not depend on the stream's length.
      ControlWorld world = new ControlWorld(seed);
      Random agents = new Random(seed * 31 + 1);
      Random labeler = new Random(seed * 31 + 2);
      List<LabelledPair> evaluate = new ArrayList<>(fresh);
      for (int i = 0; i < fresh; i++) {
        evaluate.add(pair(world, agents, labeler, "fresh-" + i));
      }
      List<LabelledPair> train = new ArrayList<>(labels);
      for (int i = 0; i < labels; i++) {
        train.add(pair(world, agents, labeler, name() + "-" + seed + "-" + i));
      }
      return new Streams(train, evaluate);
    }

    private LabelledPair pair(ControlWorld world, Random agents, Random labeler, String id) {
      int from = agents.nextInt(EPISODE - SEGMENT + 1);
      List<List<SparseFeatures>> steps = new ArrayList<>(2);
      List<SparseVector> sums = new ArrayList<>(2);
      double[] returns = new double[2];
      for (int side = 0; side < 2; side++) {
        double skill = SKILLS[agents.nextInt(SKILLS.length)];
        List<ControlWorld.Step> episode = world.episode(EPISODE, skill, 0, world);
        List<SparseFeatures> segment = new ArrayList<>(SEGMENT);
        List<SparseVector> vectors = new ArrayList<>(SEGMENT);
        for (int t = from; t < from + SEGMENT; t++) {
          ControlWorld.Step step = episode.get(t);
          FeatureVector fv = featurizer.featurizeVector(Interaction.newBuilder().setInteractionId("")
              .setAgentId("").setPolicyVersion("").setEventTime(Instant.EPOCH).setStep(t)
              .setState(boxed(step.state())).setAction(boxed(step.action())).build());
          segment.add(fv.toAvro());
          vectors.add(SparseVector.of(fv.indices(), fv.values()));
          returns[side] += step.trueReward();
        }
        steps.add(segment);
        sums.add(SparseVector.sum(vectors));
      }
      double pA = 1 / (1 + Math.exp(-(returns[0] - returns[1]) / TEMPERATURE));
      boolean aPreferred = labeler.nextDouble() < pA;
      return new LabelledPair(example(featurizer.spec(), id, steps.get(0), steps.get(1), aPreferred),
          SparseVector.difference(sums.get(0), sums.get(1)), null, returns[0], returns[1], pA, null);
    }

    private static List<Float> boxed(float[] values) {
      List<Float> list = new ArrayList<>(values.length);
      for (float v : values) {
        list.add(v);
      }
      return list;
    }
  }
}
