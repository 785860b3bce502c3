package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.bench.LabelStreams.LabelledPair;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.RewardLearner;
import dev.rewardstream.trainer.SideRewards;
import dev.rewardstream.trainer.TrainerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Learning curves: how much each learner has learned after 250 … 20,000 labels, as accuracy against the hidden true
 * order on fresh pairs it never saw, on simulated worlds of different structure, against single-pass online logistic
 * regression anchors trained on the same label streams, and how much better it does on the pairs it trained on
 * (memorization), next to an offline learner fitted on all labels at once (how much of that gap any learner that uses
 * the labels keeps). The trainer's learners are driven as the running trainer drives them ({@link TrainerCadence}): the
 * figure after N labels is that of the version published last before the N-th label arrived.
 */
final class LabelEfficiencyBench implements BenchScenario {

  static final String DEFAULT = "default";
  static final String NETWORK = "network";
  static final List<String> ANCHORS = List.of("sgd", "ftrl", "sgd-counts", "ftrl-counts");

  private static final int[] COUNTS = {250, 500, 1000, 2000, 5000, 10000, 20000};
  private static final int[] QUICK_COUNTS = {250, 500, 1000};
  private static final int SEEDS = 3;
  private static final int FRESH_PAIRS = 1000;
  private static final int SEEN_PAIRS = 1000;
  private static final double LABELS_PER_SECOND = 10;
  /**
   * The DJL network takes about 10 ms a label on the trainer's small batches (one Adam step per poll), the pure-Java
   * learners microseconds: 5,000 labels on every world and seed would take half an hour on two cores.
   */
  private static final int NETWORK_MAX_LABELS = 2000;
  private static final List<String> NETWORK_WORLDS = List.of("issue200", "hardzipf2k", "control-segments");
  private static final List<String> QUICK_WORLDS = List.of("issue200", "hardzipf2k", "control-segments");
  /** The issue's memorization bound, checked from this many labels on. */
  private static final double GAP_LIMIT = 0.03;
  private static final int GAP_FROM_LABELS = 2000;
  /** Ascending: the first is nearly unregularized, the last flattens the model towards a coin flip. */
  private static final double[] REFERENCE_LAMBDAS = {3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 1};
  private static final int REFERENCE_FOLDS = 5;
  private static final double SGD_LEARNING_RATE = 0.5;
  private static final double[] FTRL = {0.1, 1, 1, 1};
  private static final int[] HH_AT = {250, 500, 1000, 2000};
  private static final int HH_QUICK_PAIRS = 400;
  private static final int HH_SHUFFLES = 5;

  private static final Map<String, String> COLORS = Map.of(DEFAULT, "#1f77b4", NETWORK, "#ff7f0e", "sgd", "#2ca02c",
      "ftrl", "#9467bd", "sgd-counts", "#8c564b", "ftrl-counts", "#e377c2");

  @Override
  public String name() {
    return "label-efficiency";
  }

  /** Accuracies of one learner on one world: [label count][seed], NaN where not measured. */
  private static final class Cells {
    final double[][] unseen;
    final double[][] seen;

    Cells(int counts, int seeds) {
      unseen = new double[counts][seeds];
      seen = new double[counts][seeds];
      for (int c = 0; c < counts; c++) {
        Arrays.fill(unseen[c], Double.NaN);
        Arrays.fill(seen[c], Double.NaN);
      }
    }

    boolean measured(int c) {
      return Arrays.stream(unseen[c]).noneMatch(Double::isNaN);
    }

    double unseenMean(int c) {
      return Stats.mean(unseen[c]);
    }

    double unseenSd(int c) {
      return Stats.sd(unseen[c]);
    }

    double gap(int c) {
      return Stats.mean(seen[c]) - Stats.mean(unseen[c]);
    }
  }

  private record WorldRun(LabelStreams.World world, double[] bayes, Map<String, Cells> cells,
      MemorizationReference reference, double seconds) {}

  /**
   * {@link OfflineLogistic} on the first {@value #GAP_FROM_LABELS} labels of each seed, on exact word counts, for every
   * λ of {@link #REFERENCE_LAMBDAS}: [λ][seed] fresh and seen accuracy, and per seed the λ that 5-fold cross-validation
   * on the labels picks.
   */
  private record MemorizationReference(double[][] unseen, double[][] seen, int[] chosen) {

    static MemorizationReference empty(int seeds) {
      return new MemorizationReference(new double[REFERENCE_LAMBDAS.length][seeds],
          new double[REFERENCE_LAMBDAS.length][seeds], new int[seeds]);
    }

    double chosenMean(double[][] of) {
      double[] v = new double[chosen.length];
      for (int s = 0; s < v.length; s++) {
        v[s] = of[chosen[s]][s];
      }
      return Stats.mean(v);
    }

    double chosenSd(double[][] of) {
      double[] v = new double[chosen.length];
      for (int s = 0; s < v.length; s++) {
        v[s] = of[chosen[s]][s];
      }
      return Stats.sd(v);
    }

    /** The weakest regularization whose mean gap is within the bound, or -1. */
    int weakestWithinBound() {
      for (int l = 0; l < REFERENCE_LAMBDAS.length; l++) {
        if (Stats.mean(seen[l]) - Stats.mean(unseen[l]) <= GAP_LIMIT) {
          return l;
        }
      }
      return -1;
    }
  }

  private record Comparison(String bestAnchor, double bestMean, double bestSd, double mean, double sd,
      boolean passed) {}

  @Override
  public Result run(Context context) throws Exception {
    boolean quick = context.quick();
    int[] counts = quick ? QUICK_COUNTS : COUNTS;
    int seeds = quick ? 1 : SEEDS;
    boolean network = !quick;
    TrainerConfig config = TrainerConfig.defaults(KafkaConnection.plaintext("in-process"), null);
    TrainerCadence cadence = new TrainerCadence(config, LABELS_PER_SECOND);
    List<LabelStreams.World> worlds = new ArrayList<>();
    for (LabelWorlds.Spec spec : LabelWorlds.ALL) {
      worlds.add(new LabelStreams.Text(spec, FeatureSpec.DEFAULT));
    }
    worlds.add(new LabelStreams.Control(FeatureSpec.DEFAULT));
    if (quick) {
      worlds.removeIf(w -> !QUICK_WORLDS.contains(w.name()));
    }

    List<WorldRun> runs = new ArrayList<>();
    for (LabelStreams.World world : worlds) {
      runs.add(runWorld(world, counts, seeds, network, cadence, context));
    }

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("label_counts", Arrays.stream(counts).boxed().toList());
    figures.put("seeds", seedList(context, seeds));
    figures.put("fresh_pairs", FRESH_PAIRS);
    figures.put("seen_pairs_max", SEEN_PAIRS);
    figures.put("labels_per_second", LABELS_PER_SECOND);
    figures.put("poll_ms", TrainerCadence.POLL_MILLIS);
    figures.put("publish_interval_s", config.publishInterval().toMillis() / 1000.0);
    figures.put("batch_size", config.batchSize());
    figures.put("holdout_percent", config.holdoutPercent());
    figures.put("network_max_labels", network ? NETWORK_MAX_LABELS : 0);
    figures.put("network_worlds", network ? NETWORK_WORLDS : List.of());
    figures.put("learners", learnerDescriptions());
    Map<String, Object> worldFigures = new LinkedHashMap<>();
    figures.put("worlds", worldFigures);
    int cells = 0;
    int passed = 0;
    int networkCells = 0;
    int networkPassed = 0;
    double maxGap = Double.NEGATIVE_INFINITY;
    double worstShortfall = Double.NEGATIVE_INFINITY;
    String worstCell = "";
    for (WorldRun run : runs) {
      worldFigures.put(run.world().name(), worldFigures(run, counts));
      for (int c = 0; c < counts.length; c++) {
        Comparison d = compare(run, DEFAULT, c);
        if (d != null) {
          cells++;
          passed += d.passed() ? 1 : 0;
          if (d.bestMean() - d.mean() > worstShortfall) {
            worstShortfall = d.bestMean() - d.mean();
            worstCell = run.world().name() + "@" + counts[c];
          }
        }
        Comparison n = compare(run, NETWORK, c);
        if (n != null) {
          networkCells++;
          networkPassed += n.passed() ? 1 : 0;
        }
      }
      maxGap = Math.max(maxGap, maxGap(run.cells().get(DEFAULT), counts));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("cells", cells);
    summary.put("passed", passed);
    summary.put("worst_shortfall", Double.isFinite(worstShortfall) ? Stats.round(worstShortfall) : null);
    summary.put("worst_cell", worstCell);
    summary.put("max_seen_unseen_gap_from_2k", Double.isFinite(maxGap) ? Stats.round(maxGap) : null);
    summary.put("gap_within_3_points", Double.isFinite(maxGap) ? maxGap <= GAP_LIMIT : null);
    summary.put("network_cells", networkCells);
    summary.put("network_passed", networkPassed);
    figures.put("default_vs_best_anchor", summary);

    Map<String, Object> hh = hhRlhf(context);
    figures.put("hh_rlhf", hh);

    StringBuilder md = new StringBuilder();
    md.append(intro(counts, seeds, network, config));
    Map<String, Chart> plots = new LinkedHashMap<>();
    for (WorldRun run : runs) {
      md.append(worldSection(run, counts));
      plots.put(plotFile(run.world().name()), plot(run, counts));
    }
    md.append(summarySection(runs, counts, summary));
    md.append(memorizationSection(runs, counts));
    md.append(hhSection(hh));
    md.append(definitions(runs));
    return new Result(figures, md.toString(), plots);
  }

  private static List<Long> seedList(Context context, int seeds) {
    List<Long> list = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      list.add(context.seed() + s);
    }
    return list;
  }

  private static Map<String, String> learnerDescriptions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(DEFAULT, LearnerOptions.defaults().describe() + " on FeatureSpec.DEFAULT, driven like the trainer");
    d.put(NETWORK, LearnerOptions.network().describe() + " on FeatureSpec.DEFAULT, driven like the trainer");
    d.put("sgd", "anchor: " + new LinearAnchor.Sgd(1, SGD_LEARNING_RATE).describe()
        + " on FeatureSpec.DEFAULT vectors, one update per label");
    d.put("ftrl", "anchor: " + ftrl(1).describe() + " on FeatureSpec.DEFAULT vectors, one update per label");
    d.put("sgd-counts", "anchor: the same SGD on exact L2-normalized word counts of the responses (no hashing)");
    d.put("ftrl-counts", "anchor: the same FTRL on exact L2-normalized word counts of the responses (no hashing)");
    return d;
  }

  private static LinearAnchor.Ftrl ftrl(int dimension) {
    return new LinearAnchor.Ftrl(dimension, FTRL[0], FTRL[1], FTRL[2], FTRL[3]);
  }

  // ---------------------------------------------------------------- measuring

  private static WorldRun runWorld(LabelStreams.World world, int[] counts, int seeds, boolean network,
      TrainerCadence cadence, Context context) {
    long start = System.nanoTime();
    int max = counts[counts.length - 1];
    Map<String, Cells> cells = new LinkedHashMap<>();
    List<String> learners = new ArrayList<>(List.of(DEFAULT));
    if (network && NETWORK_WORLDS.contains(world.name())) {
      learners.add(NETWORK);
    }
    learners.addAll(world.hasCounts() ? ANCHORS : ANCHORS.stream().filter(a -> !a.endsWith("-counts")).toList());
    for (String learner : learners) {
      cells.put(learner, new Cells(counts.length, seeds));
    }
    double[] bayes = new double[seeds];
    boolean referenced = world.hasCounts() && max >= GAP_FROM_LABELS;
    MemorizationReference reference = referenced ? MemorizationReference.empty(seeds) : null;
    for (int s = 0; s < seeds; s++) {
      long seed = context.seed() + s;
      LabelStreams.Streams streams = world.streams(seed, max, FRESH_PAIRS);
      bayes[s] = streams.fresh().stream().mapToDouble(LabelledPair::bayesOptimal).average().orElse(Double.NaN);
      if (referenced) {
        long t0 = System.nanoTime();
        reference(world.countDimension(), streams, seed, reference, s);
        int l = reference.chosen()[s];
        context.progress().accept(String.format(Locale.ROOT, "label-efficiency %s seed %d offline reference: λ %s "
                + "by cross-validation, %.1f %% fresh / %.1f %% seen at %d labels in %.1f s", world.name(), seed,
            lambda(REFERENCE_LAMBDAS[l]), 100 * reference.unseen()[l][s], 100 * reference.seen()[l][s],
            GAP_FROM_LABELS, (System.nanoTime() - t0) / 1e9));
      }
      int dimension = FeatureSpec.DEFAULT.dimension();
      int countDimension = world.countDimension();
      for (String learner : learners) {
        long t0 = System.nanoTime();
        Cells into = cells.get(learner);
        switch (learner) {
          case DEFAULT -> system(LearnerOptions.defaults(), cadence, streams, counts, max, seed, into, s);
          case NETWORK -> system(LearnerOptions.network(), cadence, streams, counts,
              Math.min(max, NETWORK_MAX_LABELS), seed, into, s);
          case "sgd" -> anchor(() -> new LinearAnchor.Sgd(dimension, SGD_LEARNING_RATE), LabelledPair::features,
              streams, counts, seed, into, s);
          case "ftrl" -> anchor(() -> ftrl(dimension), LabelledPair::features, streams, counts, seed, into, s);
          case "sgd-counts" -> anchor(() -> new LinearAnchor.Sgd(countDimension, SGD_LEARNING_RATE),
              LabelledPair::counts, streams, counts, seed, into, s);
          case "ftrl-counts" -> anchor(() -> ftrl(countDimension), LabelledPair::counts, streams, counts, seed, into,
              s);
          default -> throw new IllegalStateException(learner);
        }
        int last = lastMeasured(into, counts, s);
        context.progress().accept(String.format(Locale.ROOT, "label-efficiency %s seed %d %s: %s in %.1f s",
            world.name(), seed, learner, last < 0 ? "nothing measured" : String.format(Locale.ROOT,
                "%.1f %% fresh / %.1f %% seen at %d labels", 100 * into.unseen[last][s], 100 * into.seen[last][s],
                counts[last]), (System.nanoTime() - t0) / 1e9));
      }
    }
    return new WorldRun(world, bayes, cells, reference, (System.nanoTime() - start) / 1e9);
  }

  /**
   * The memorization reference of one seed: the offline learner fitted on the first {@value #GAP_FROM_LABELS} labels
   * at every λ, measured like the other learners (the same fresh pairs and the same sample of trained pairs), and
   * the λ of least held-out log-loss over {@value #REFERENCE_FOLDS} folds of those labels, as a practitioner without
   * the true order would pick it.
   */
  private static void reference(int dimension, LabelStreams.Streams streams, long seed, MemorizationReference into,
      int s) {
    List<LabelledPair> trained = streams.stream().subList(0, GAP_FROM_LABELS);
    List<SparseVector> x = trained.stream().map(LabelledPair::counts).toList();
    double[] y = trained.stream().mapToDouble(LabelledPair::target).toArray();
    List<LabelledPair> seen = sample(trained, seed, GAP_FROM_LABELS);
    double bestLoss = Double.POSITIVE_INFINITY;
    for (int l = 0; l < REFERENCE_LAMBDAS.length; l++) {
      double lambda = REFERENCE_LAMBDAS[l];
      double[] w = OfflineLogistic.fit(x, y, dimension, lambda);
      into.unseen()[l][s] = accuracy(margins(w, streams.fresh()), streams.fresh());
      into.seen()[l][s] = accuracy(margins(w, seen), seen);
      double loss = 0;
      for (int fold = 0; fold < REFERENCE_FOLDS; fold++) {
        List<SparseVector> fitX = new ArrayList<>();
        List<Double> fitY = new ArrayList<>();
        List<SparseVector> heldX = new ArrayList<>();
        List<Double> heldY = new ArrayList<>();
        for (int n = 0; n < x.size(); n++) {
          (n % REFERENCE_FOLDS == fold ? heldX : fitX).add(x.get(n));
          (n % REFERENCE_FOLDS == fold ? heldY : fitY).add(y[n]);
        }
        double[] fw = OfflineLogistic.fit(fitX, fitY.stream().mapToDouble(Double::doubleValue).toArray(), dimension,
            lambda);
        loss += OfflineLogistic.logLoss(fw, heldX, heldY.stream().mapToDouble(Double::doubleValue).toArray());
      }
      if (loss < bestLoss) {
        bestLoss = loss;
        into.chosen()[s] = l;
      }
    }
  }

  private static double[] margins(double[] w, List<LabelledPair> pairs) {
    return pairs.stream().mapToDouble(p -> OfflineLogistic.margin(w, p.counts())).toArray();
  }

  private static int lastMeasured(Cells cells, int[] counts, int seed) {
    for (int c = counts.length - 1; c >= 0; c--) {
      if (!Double.isNaN(cells.unseen[c][seed])) {
        return c;
      }
    }
    return -1;
  }

  /**
   * A learner of the trainer, fed by {@link TrainerCadence}. The version for N labels is measured when it is
   * published: the last publish at or before N is one within a publish interval's worth of labels of N, since a
   * later one would come before N.
   */
  private static void system(LearnerOptions options, TrainerCadence cadence, LabelStreams.Streams streams,
      int[] counts, int labels, long seed, Cells into, int s) {
    int window = cadence.labelsPerPublish();
    try (RewardLearner learner = RewardLearner.create(FeatureSpec.DEFAULT, options)) {
      cadence.run(learner, streams.stream(), labels, LabelledPair::example, (arrived, published, trained) -> {
        for (int c = 0; c < counts.length; c++) {
          if (counts[c] <= labels && arrived <= counts[c] && counts[c] < arrived + window) {
            into.unseen[c][s] = accuracy(margins(published::score, streams.fresh()), streams.fresh());
            List<LabelledPair> seen = sample(trained, seed, counts[c]);
            into.seen[c][s] = accuracy(margins(published::score, seen), seen);
          }
        }
      });
    }
  }

  private static void anchor(Supplier<LinearAnchor> make, Function<LabelledPair, SparseVector> features,
      LabelStreams.Streams streams, int[] counts, long seed, Cells into, int s) {
    LinearAnchor anchor = make.get();
    List<LabelledPair> stream = streams.stream();
    int c = 0;
    for (int i = 0; i < stream.size() && c < counts.length; i++) {
      LabelledPair pair = stream.get(i);
      anchor.learn(features.apply(pair), pair.target());
      if (i + 1 == counts[c]) {
        into.unseen[c][s] = accuracy(margins(anchor, features, streams.fresh()), streams.fresh());
        List<LabelledPair> seen = sample(stream.subList(0, i + 1), seed, counts[c]);
        into.seen[c][s] = accuracy(margins(anchor, features, seen), seen);
        c++;
      }
    }
  }

  /** Up to {@value #SEEN_PAIRS} of the trained pairs, without replacement, the same for every learner of a seed. */
  private static List<LabelledPair> sample(List<LabelledPair> trained, long seed, int labels) {
    if (trained.size() <= SEEN_PAIRS) {
      return new ArrayList<>(trained);
    }
    int[] order = new int[trained.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed * 1_000_003L + labels);
    List<LabelledPair> out = new ArrayList<>(SEEN_PAIRS);
    for (int k = 0; k < SEEN_PAIRS; k++) {
      int j = k + random.nextInt(order.length - k);
      int t = order[k];
      order[k] = order[j];
      order[j] = t;
      out.add(trained.get(order[k]));
    }
    return out;
  }

  private static double[] margins(LinearAnchor anchor, Function<LabelledPair, SparseVector> features,
      List<LabelledPair> pairs) {
    double[] m = new double[pairs.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = anchor.margin(features.apply(pairs.get(i)));
    }
    return m;
  }

  /**
   * Summed step rewards of side A minus side B, scored in chunks (the network densifies its input rows); {@code score}
   * is a learner's or a published version's.
   */
  static double[] margins(Function<List<SparseFeatures>, float[]> score, List<LabelledPair> pairs) {
    double[] m = new double[pairs.size()];
    int chunk = 256;
    for (int from = 0; from < pairs.size(); from += chunk) {
      List<TrainingExample> examples = pairs.subList(from, Math.min(pairs.size(), from + chunk)).stream()
          .map(LabelledPair::example).toList();
      double[][] sides = SideRewards.of(examples, score);
      for (int k = 0; k < sides.length; k++) {
        m[from + k] = sides[k][0] - sides[k][1];
      }
    }
    return m;
  }

  /** Agreement with the hidden true order; pairs of equal true reward are left out, a tied score counts half. */
  static double accuracy(double[] margins, List<LabelledPair> pairs) {
    double right = 0;
    int counted = 0;
    for (int i = 0; i < margins.length; i++) {
      LabelledPair p = pairs.get(i);
      if (Math.abs(p.rewardA() - p.rewardB()) < 1e-9) {
        continue;
      }
      counted++;
      right += margins[i] == 0 ? 0.5 : (margins[i] > 0) == (p.rewardA() > p.rewardB()) ? 1 : 0;
    }
    return counted == 0 ? Double.NaN : right / counted;
  }

  // ---------------------------------------------------------------- comparing

  /** {@code learner} against the best anchor at label count c, or null when either was not measured there. */
  private static Comparison compare(WorldRun run, String learner, int c) {
    Cells own = run.cells().get(learner);
    if (own == null || !own.measured(c)) {
      return null;
    }
    String best = null;
    for (String anchor : ANCHORS) {
      Cells a = run.cells().get(anchor);
      if (a != null && a.measured(c) && (best == null || a.unseenMean(c) > run.cells().get(best).unseenMean(c))) {
        best = anchor;
      }
    }
    if (best == null) {
      return null;
    }
    Cells b = run.cells().get(best);
    double tolerance = Math.max(own.unseenSd(c), b.unseenSd(c));
    return new Comparison(best, b.unseenMean(c), b.unseenSd(c), own.unseenMean(c), own.unseenSd(c),
        own.unseenMean(c) >= b.unseenMean(c) - tolerance);
  }

  private static double maxGap(Cells cells, int[] counts) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] >= GAP_FROM_LABELS && cells.measured(c)) {
        max = Math.max(max, cells.gap(c));
      }
    }
    return max;
  }

  private static Map<String, Object> worldFigures(WorldRun run, int[] counts) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("description", run.world().describe());
    w.put("bayes_optimal", Stats.round(Stats.mean(run.bayes())));
    w.put("bayes_optimal_per_seed", Arrays.stream(run.bayes()).map(Stats::round).boxed().toList());
    Map<String, Object> learners = new LinkedHashMap<>();
    for (Map.Entry<String, Cells> e : run.cells().entrySet()) {
      Map<String, Object> curve = new LinkedHashMap<>();
      Cells cells = e.getValue();
      for (int c = 0; c < counts.length; c++) {
        if (!cells.measured(c)) {
          continue;
        }
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("unseen_mean", Stats.round(cells.unseenMean(c)));
        cell.put("unseen_sd", Stats.round(cells.unseenSd(c)));
        cell.put("seen_mean", Stats.round(Stats.mean(cells.seen[c])));
        cell.put("gap", Stats.round(cells.gap(c)));
        curve.put(Integer.toString(counts[c]), cell);
      }
      learners.put(e.getKey(), curve);
    }
    w.put("learners", learners);
    Map<String, Object> comparison = new LinkedHashMap<>();
    int passed = 0;
    int cellCount = 0;
    for (int c = 0; c < counts.length; c++) {
      Comparison d = compare(run, DEFAULT, c);
      if (d == null) {
        continue;
      }
      cellCount++;
      passed += d.passed() ? 1 : 0;
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("best_anchor", d.bestAnchor());
      cell.put("best_anchor_mean", Stats.round(d.bestMean()));
      cell.put("best_anchor_sd", Stats.round(d.bestSd()));
      cell.put("default_mean", Stats.round(d.mean()));
      cell.put("default_sd", Stats.round(d.sd()));
      cell.put("passed", d.passed());
      comparison.put(Integer.toString(counts[c]), cell);
    }
    comparison.put("cells", cellCount);
    comparison.put("passed", passed);
    double gap = maxGap(run.cells().get(DEFAULT), counts);
    comparison.put("max_seen_unseen_gap_from_2k", Double.isFinite(gap) ? Stats.round(gap) : null);
    w.put("default_vs_best_anchor", comparison);
    if (run.reference() != null) {
      w.put("memorization_reference", referenceFigures(run.reference()));
    }
    w.put("wall_s", Stats.round(run.seconds()));
    return w;
  }

  private static Map<String, Object> referenceFigures(MemorizationReference reference) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("labels", GAP_FROM_LABELS);
    r.put("features", "exact L2-normalized word counts");
    r.put("cross_validation_folds", REFERENCE_FOLDS);
    Map<String, Object> byLambda = new LinkedHashMap<>();
    for (int l = 0; l < REFERENCE_LAMBDAS.length; l++) {
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("unseen_mean", Stats.round(Stats.mean(reference.unseen()[l])));
      cell.put("unseen_sd", Stats.round(Stats.sd(reference.unseen()[l])));
      cell.put("seen_mean", Stats.round(Stats.mean(reference.seen()[l])));
      cell.put("gap", Stats.round(Stats.mean(reference.seen()[l]) - Stats.mean(reference.unseen()[l])));
      byLambda.put(lambda(REFERENCE_LAMBDAS[l]), cell);
    }
    r.put("by_lambda", byLambda);
    r.put("cross_validated_lambda_per_seed", Arrays.stream(reference.chosen())
        .mapToObj(l -> REFERENCE_LAMBDAS[l]).toList());
    Map<String, Object> chosen = new LinkedHashMap<>();
    chosen.put("unseen_mean", Stats.round(reference.chosenMean(reference.unseen())));
    chosen.put("unseen_sd", Stats.round(reference.chosenSd(reference.unseen())));
    chosen.put("seen_mean", Stats.round(reference.chosenMean(reference.seen())));
    chosen.put("gap", Stats.round(reference.chosenMean(reference.seen()) - reference.chosenMean(reference.unseen())));
    r.put("cross_validated", chosen);
    int within = reference.weakestWithinBound();
    r.put("weakest_lambda_within_gap_limit", within < 0 ? null : REFERENCE_LAMBDAS[within]);
    r.put("unseen_mean_within_gap_limit", within < 0 ? null : Stats.round(Stats.mean(reference.unseen()[within])));
    return r;
  }

  // ---------------------------------------------------------------- HH-RLHF

  /** Test-then-train, one pair at a time, cumulative accuracy; the learners read the system's features. */
  private static Map<String, Object> hhRlhf(Context context) throws Exception {
    if (context.data() == null || !java.nio.file.Files.isRegularFile(context.data())) {
      return Map.of("skipped", "HH-RLHF data not found" + (context.data() == null ? "" : " at " + context.data())
          + ": 'rewardctl data fetch hh-rlhf' downloads it, or pass --data PATH to a copy of "
          + "harmless-base/test.jsonl.gz");
    }
    long start = System.nanoTime();
    List<HhRlhfPairs.Pair> pairs = HhRlhfPairs.read(context.data(), FeatureSpec.DEFAULT,
        context.quick() ? HH_QUICK_PAIRS : Integer.MAX_VALUE);
    int shuffles = context.quick() ? 1 : HH_SHUFFLES;
    List<Integer> at = new ArrayList<>();
    for (int n : HH_AT) {
      if (n < pairs.size()) {
        at.add(n);
      }
    }
    at.add(pairs.size());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pairs", pairs.size());
    out.put("shuffles", shuffles);
    out.put("at", at);
    Map<String, Object> learners = new LinkedHashMap<>();
    for (String name : List.of(DEFAULT, "sgd", "ftrl")) {
      double[][] byShuffle = new double[at.size()][shuffles];
      for (int s = 0; s < shuffles; s++) {
        List<HhRlhfPairs.Pair> order = new ArrayList<>(pairs);
        java.util.Collections.shuffle(order, new Random(context.seed() + s));
        double[] cumulative = prequential(name, order);
        for (int k = 0; k < at.size(); k++) {
          byShuffle[k][s] = cumulative[at.get(k) - 1];
        }
      }
      Map<String, Object> curve = new LinkedHashMap<>();
      for (int k = 0; k < at.size(); k++) {
        curve.put(Integer.toString(at.get(k)), Map.of("mean", Stats.round(Stats.mean(byShuffle[k])),
            "sd", Stats.round(Stats.sd(byShuffle[k]))));
      }
      learners.put(name, curve);
      context.progress().accept(String.format(Locale.ROOT, "label-efficiency hh-rlhf %s: %.1f %% over %d pairs",
          name, 100 * Stats.mean(byShuffle[at.size() - 1]), pairs.size()));
    }
    out.put("learners", learners);
    out.put("wall_s", Stats.round((System.nanoTime() - start) / 1e9));
    return out;
  }

  private static double[] prequential(String name, List<HhRlhfPairs.Pair> order) {
    double[] cumulative = new double[order.size()];
    double right = 0;
    if (name.equals(DEFAULT)) {
      try (RewardLearner learner = RewardLearner.create(FeatureSpec.DEFAULT, LearnerOptions.defaults())) {
        for (int i = 0; i < order.size(); i++) {
          TrainingExample example = order.get(i).example();
          float[] r = learner.score(List.of(example.getA().get(0), example.getB().get(0)));
          right += r[0] > r[1] ? 1 : r[0] == r[1] ? 0.5 : 0;
          cumulative[i] = right / (i + 1);
          learner.trainStep(List.of(example));
        }
      }
      return cumulative;
    }
    int dimension = FeatureSpec.DEFAULT.dimension();
    LinearAnchor anchor = name.equals("sgd") ? new LinearAnchor.Sgd(dimension, SGD_LEARNING_RATE) : ftrl(dimension);
    for (int i = 0; i < order.size(); i++) {
      double m = anchor.margin(order.get(i).difference());
      right += m > 0 ? 1 : m == 0 ? 0.5 : 0;
      cumulative[i] = right / (i + 1);
      anchor.learn(order.get(i).difference(), 1);
    }
    return cumulative;
  }

  // ---------------------------------------------------------------- report

  private static String intro(int[] counts, int seeds, boolean network, TrainerConfig config) {
    return String.format(Locale.ROOT, "How much each learner knows after N labels: accuracy against the hidden true "
            + "order on %,d fresh pairs never labelled for training (pairs of equal true reward left out, tied scores "
            + "half right), mean ± sd over %d seed%s, and in brackets the memorization gap: accuracy on up to %,d "
            + "pairs the learner trained on minus the fresh accuracy, in points. Each seed draws one world, one "
            + "label stream and one fresh set, shared by all learners.%n%n"
            + "`default` (%s) and `network` (%s) are driven as the running trainer drives them: labels arrive at "
            + "%.0f per second, the trainer polls every %d ms and learns what arrived through its `TrainingSchedule` "
            + "(%d %% held out for the publish gate, batches of %d, replay where the learner replays), and publishes "
            + "every %.0f s; the figure after N labels is that of the version published last before the N-th label "
            + "arrived (the publish gate itself is not simulated: every candidate is assumed published). %s"
            + "The anchors learn every label, once, as it comes: SGD (learning rate %s) and FTRL-Proximal (α %s, "
            + "β %s, λ1 %s, λ2 %s) on the system's feature vectors (`sgd`, `ftrl`) and on exact L2-normalized word "
            + "counts of the responses (`sgd-counts`, `ftrl-counts`). Bayes-optimal: the labeler's own agreement "
            + "ceiling E[max(p, 1 − p)] over the fresh pairs, accuracy *against labels*, not against the true "
            + "order: a learner that has found the true order scores 100 %% here and only Bayes-optimal against "
            + "labels.%n%n", FRESH_PAIRS, seeds, seeds == 1 ? "" : "s", SEEN_PAIRS,
        LearnerOptions.defaults().describe(), LearnerOptions.network().describe(), LABELS_PER_SECOND,
        TrainerCadence.POLL_MILLIS, config.holdoutPercent(), config.batchSize(),
        config.publishInterval().toMillis() / 1000.0,
        network ? String.format(Locale.ROOT, "`network` runs on %s only, to %,d labels: its Adam step per poll "
            + "takes about 10 ms a label, the pure-Java learners microseconds. ", String.join(", ", NETWORK_WORLDS),
            NETWORK_MAX_LABELS) : "`network` is not run in quick mode. ",
        num(SGD_LEARNING_RATE), num(FTRL[0]), num(FTRL[1]), num(FTRL[2]), num(FTRL[3]));
  }

  private static String worldSection(WorldRun run, int[] counts) {
    StringBuilder md = new StringBuilder();
    String name = run.world().name();
    md.append(String.format(Locale.ROOT, "### %s%n%nBayes-optimal accuracy vs labels %.1f %% (per seed: %s). "
            + "Definition below.%n%n| learner |", name, 100 * Stats.mean(run.bayes()),
        Arrays.stream(run.bayes()).mapToObj(b -> String.format(Locale.ROOT, "%.1f", 100 * b))
            .collect(Collectors.joining(" / "))));
    for (int n : counts) {
      md.append(' ').append(labels(n)).append(" |");
    }
    md.append("\n|---|");
    md.append("---|".repeat(counts.length)).append('\n');
    for (Map.Entry<String, Cells> e : run.cells().entrySet()) {
      md.append("| ").append(e.getKey()).append(" |");
      Cells cells = e.getValue();
      for (int c = 0; c < counts.length; c++) {
        md.append(cells.measured(c) ? String.format(Locale.ROOT, " %.1f ± %.1f [%+.0f] |", 100 * cells.unseenMean(c),
            100 * cells.unseenSd(c), 100 * cells.gap(c)) : " – |");
      }
      md.append('\n');
    }
    return md.append(String.format(Locale.ROOT, "%n![%s learning curves](%s)%n%n", name, plotFile(name))).toString();
  }

  private static String summarySection(List<WorldRun> runs, int[] counts, Map<String, Object> summary) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### Default vs the best anchor%n%n"
        + "Per cell: `default` mean vs the best anchor's mean (which anchor in brackets); passed (✓) when default ≥ "
        + "best − max(sd of the two). Then the largest seen − fresh gap of `default` from %,d labels on (goal: "
        + "within %.0f points).%n%n| world |", GAP_FROM_LABELS, 100 * GAP_LIMIT));
    for (int n : counts) {
      md.append(' ').append(labels(n)).append(" |");
    }
    md.append(" passed | max gap ≥ ").append(labels(GAP_FROM_LABELS)).append(" |\n|---|");
    md.append("---|".repeat(counts.length + 2)).append('\n');
    for (WorldRun run : runs) {
      md.append("| ").append(run.world().name()).append(" |");
      int passed = 0;
      int cells = 0;
      for (int c = 0; c < counts.length; c++) {
        Comparison d = compare(run, DEFAULT, c);
        if (d == null) {
          md.append(" – |");
          continue;
        }
        cells++;
        passed += d.passed() ? 1 : 0;
        md.append(String.format(Locale.ROOT, " %s %.1f vs %.1f (%s) |", d.passed() ? "✓" : "✗", 100 * d.mean(),
            100 * d.bestMean(), d.bestAnchor()));
      }
      double gap = maxGap(run.cells().get(DEFAULT), counts);
      md.append(String.format(Locale.ROOT, " %d/%d | %s |%n", passed, cells,
          Double.isFinite(gap) ? String.format(Locale.ROOT, "%+.1f", 100 * gap) : "–"));
    }
    md.append(String.format(Locale.ROOT, "%n`default` passes %s of %s cells (largest shortfall of its mean "
            + "below the best anchor's %s); largest seen − fresh gap from %,d labels: %s.", summary.get("passed"),
        summary.get("cells"), summary.get("worst_shortfall") == null ? "–" : String.format(Locale.ROOT,
            "%.1f points, %s", 100 * (double) summary.get("worst_shortfall"), summary.get("worst_cell")),
        GAP_FROM_LABELS,
        summary.get("max_seen_unseen_gap_from_2k") == null ? "not measured (fewer labels)"
            : String.format(Locale.ROOT, "%+.1f points", 100 * (double) summary.get("max_seen_unseen_gap_from_2k"))));
    if ((int) summary.get("network_cells") > 0) {
      md.append(String.format(Locale.ROOT, " `network` passes %s of %s.", summary.get("network_passed"),
          summary.get("network_cells")));
    }
    return md.append("\n\n").toString();
  }

  /** Every learner's largest seen − fresh gap from GAP_FROM_LABELS on: which worlds invite memorizing at all. */
  private static String memorizationSection(List<WorldRun> runs, int[] counts) {
    if (counts[counts.length - 1] < GAP_FROM_LABELS) {
      return "";
    }
    List<String> learners = new ArrayList<>(List.of(DEFAULT, NETWORK));
    learners.addAll(ANCHORS);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "### Memorization%n%nLargest seen − fresh gap "
        + "(points) from %,d labels on, per learner: a large gap for every learner marks a world where pairs are "
        + "told apart by words too rare to generalize.%n%n| world |", GAP_FROM_LABELS));
    for (String learner : learners) {
      md.append(' ').append(learner).append(" |");
    }
    md.append("\n|---|").append("---|".repeat(learners.size())).append('\n');
    for (WorldRun run : runs) {
      md.append("| ").append(run.world().name()).append(" |");
      for (String learner : learners) {
        Cells cells = run.cells().get(learner);
        double gap = cells == null ? Double.NEGATIVE_INFINITY : maxGap(cells, counts);
        md.append(Double.isFinite(gap) ? String.format(Locale.ROOT, " %+.1f |", 100 * gap) : " – |");
      }
      md.append('\n');
    }
    md.append('\n');
    if (runs.stream().noneMatch(r -> r.reference() != null)) {
      return md.toString();
    }
    md.append(String.format(Locale.ROOT, "The offline reference: L2-regularized logistic regression fitted on all of "
        + "the first %,d labels at once (full-batch accelerated gradient, up to %,d steps) on exact L2-normalized word "
        + "counts, λ chosen by %d-fold cross-validation of the log-loss on those labels, as a practitioner without the "
        + "true order would choose it. Fresh accuracy and gap in points at %,d labels; then the weakest regularization whose gap is "
        + "within %.0f points (read off the true order, which no learner has) and its fresh accuracy: what meeting the "
        + "bound by regularizing costs.%n%n| world | `default` | offline, λ by cross-validation | λ chosen | gap ≤ %.0f "
        + "from λ | fresh there |%n|---|---|---|---|---|---|%n", GAP_FROM_LABELS, OfflineLogistic.MAX_ITERATIONS,
        REFERENCE_FOLDS, GAP_FROM_LABELS, 100 * GAP_LIMIT, 100 * GAP_LIMIT));
    int at = -1;
    for (int c = 0; c < counts.length; c++) {
      at = counts[c] == GAP_FROM_LABELS ? c : at;
    }
    for (WorldRun run : runs) {
      MemorizationReference r = run.reference();
      if (r == null) {
        continue;
      }
      Cells d = run.cells().get(DEFAULT);
      int within = r.weakestWithinBound();
      md.append(String.format(Locale.ROOT, "| %s | %s | %.1f ± %.1f [%+.1f] | %s | %s | %s |%n", run.world().name(),
          at >= 0 && d.measured(at) ? String.format(Locale.ROOT, "%.1f ± %.1f [%+.1f]", 100 * d.unseenMean(at),
              100 * d.unseenSd(at), 100 * d.gap(at)) : "–",
          100 * r.chosenMean(r.unseen()), 100 * r.chosenSd(r.unseen()),
          100 * (r.chosenMean(r.seen()) - r.chosenMean(r.unseen())),
          Arrays.stream(r.chosen()).mapToObj(l -> lambda(REFERENCE_LAMBDAS[l])).collect(Collectors.joining(" / ")),
          within < 0 ? "none up to " + lambda(REFERENCE_LAMBDAS[REFERENCE_LAMBDAS.length - 1])
              : lambda(REFERENCE_LAMBDAS[within]),
          within < 0 ? "–" : String.format(Locale.ROOT, "%.1f", 100 * Stats.mean(r.unseen()[within]))));
    }
    return md.append('\n').toString();
  }

  @SuppressWarnings("unchecked")
  private static String hhSection(Map<String, Object> hh) {
    StringBuilder md = new StringBuilder("### HH-RLHF, prequential\n\n");
    if (hh.containsKey("skipped")) {
      return md.append("Skipped: ").append(hh.get("skipped")).append("\n\n").toString();
    }
    List<Integer> at = (List<Integer>) hh.get("at");
    md.append(String.format(Locale.ROOT, "Harmless-base test, %,d pairs, one pass, each pair scored by the current "
        + "model and then learned (one update per pair, no holdout, no batching), cumulative accuracy against the "
        + "human choice, mean ± sd over %d shuffle%s.%n%n| learner |", (int) hh.get("pairs"), (int) hh.get("shuffles"),
        (int) hh.get("shuffles") == 1 ? "" : "s"));
    for (int n : at) {
      md.append(' ').append(labels(n)).append(" |");
    }
    md.append("\n|---|").append("---|".repeat(at.size())).append('\n');
    Map<String, Object> learners = (Map<String, Object>) hh.get("learners");
    for (Map.Entry<String, Object> e : learners.entrySet()) {
      md.append("| ").append(e.getKey()).append(" |");
      Map<String, Object> curve = (Map<String, Object>) e.getValue();
      for (int n : at) {
        Map<String, Object> cell = (Map<String, Object>) curve.get(Integer.toString(n));
        md.append(String.format(Locale.ROOT, " %.1f ± %.1f |", 100 * (double) cell.get("mean"),
            100 * (double) cell.get("sd")));
      }
      md.append('\n');
    }
    return md.append('\n').toString();
  }

  private static String definitions(List<WorldRun> runs) {
    StringBuilder md = new StringBuilder("### The worlds\n\n| world | definition |\n|---|---|\n");
    for (WorldRun run : runs) {
      // A bare "|" (as in |a − K·s|²) would end the table cell.
      md.append("| ").append(run.world().name()).append(" | ").append(run.world().describe().replace("|", "\\|"))
          .append(" |\n");
    }
    return md.append('\n').toString();
  }

  private static String plotFile(String world) {
    return "label-efficiency-" + world + ".svg";
  }

  /** Mean curves with their spread over seeds as bands; the anchors dashed, the Bayes-optimal accuracy a reference. */
  private static Chart plot(WorldRun run, int[] counts) {
    List<Chart.Series> series = new ArrayList<>();
    for (Map.Entry<String, Cells> e : run.cells().entrySet()) {
      Cells cells = e.getValue();
      List<double[]> points = new ArrayList<>();
      for (int c = 0; c < counts.length; c++) {
        if (cells.measured(c)) {
          points.add(new double[] {counts[c], cells.unseenMean(c), cells.unseenSd(c)});
        }
      }
      Chart.Series curve = Chart.Series.line(e.getKey(), COLORS.getOrDefault(e.getKey(), "#333"),
          points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray())
          .withSpread(points.stream().mapToDouble(p -> p[2]).toArray());
      boolean anchor = !e.getKey().equals(DEFAULT) && !e.getKey().equals(NETWORK);
      series.add(anchor ? curve.asDashed() : curve);
    }
    return Chart.lines(run.world().name() + ": accuracy vs true order on fresh pairs (mean ± sd over seeds)",
        "labels", "accuracy", series,
        List.of(new Chart.Reference("Bayes-optimal vs labels", Stats.mean(run.bayes()))), true);
  }

  private static String labels(int n) {
    return n >= 1000 && n % 1000 == 0 ? n / 1000 + "k" : String.format(Locale.ROOT, "%,d", n);
  }

  private static String lambda(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
