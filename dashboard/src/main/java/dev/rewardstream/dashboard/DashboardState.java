package dev.rewardstream.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.Score;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard knows, built from the records it follows; one thread writes ({@link TopicFollower}), any reads a
 * {@link #snapshot} as JSON.
 *
 * <p>Live accuracy against labels: each preference naming two interactions is judged by the scores the two got when
 * they were scored, from the version live then, which had not trained on that preference yet; so the figure is what
 * the served model would have told a user before the label existed. Against ground truth: the reward an environment
 * reported for an interaction, beside the score it got.
 */
final class DashboardState {

  /** Judged labels per source in the rolling accuracy. */
  static final int ACCURACY_WINDOW = 200;
  /** (score, environment reward) pairs in the rolling correlation. */
  static final int GROUND_TRUTH_WINDOW = 500;
  /** Interactions whose scores (and environment rewards) are remembered for the labels that name them. */
  static final int REMEMBERED_INTERACTIONS = 200_000;
  /** How long a preference waits for the scores of its two interactions. */
  static final long PENDING_MS = 60_000;
  /** Preferences waiting at most; beyond it the oldest are given up as unjudged. */
  static final int MAX_PENDING = 50_000;
  /** Width of the time buckets of the charts. */
  static final long BUCKET_MS = 2_000;
  /** Points kept per series: 20 minutes of buckets. */
  static final int POINTS = 600;
  private static final int ALERTS = 200;
  private static final int VERSIONS = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Scored(double reward, long version) {}

  /** A preference waiting for scores; indexed under both interaction ids, so each score looks at its own only. */
  private static final class Pending {
    final Preference preference;
    final long since;
    boolean settled;

    Pending(Preference preference, long since) {
      this.preference = preference;
      this.since = since;
    }
  }

  private final Map<String, Scored> scores = bounded();
  private final Map<String, Double> environmentRewards = bounded();
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final Map<String, List<Pending>> pendingByInteraction = new HashMap<>();
  private final Map<String, Deque<Boolean>> judged = new TreeMap<>();
  private final Map<String, Deque<double[]>> accuracySeries = new TreeMap<>();
  private final Deque<double[]> groundTruth = new ArrayDeque<>();
  private final Deque<double[]> groundTruthSeries = new ArrayDeque<>();
  private final Deque<ObjectNode> versions = new ArrayDeque<>();
  private final Deque<ObjectNode> alerts = new ArrayDeque<>();
  private final Map<String, ObjectNode> deadLetters = new TreeMap<>();
  private final Map<String, TreeMap<Long, double[]>> rewardBuckets = new TreeMap<>();
  /** Per bucket: scores, labels. */
  private final TreeMap<Long, double[]> throughput = new TreeMap<>();
  private Map<String, ConsumerLag.Group> lag = Map.of();
  private long unjudgedLabels;
  private long liveVersion;

  synchronized void onModelUpdate(ModelUpdate update) {
    if (update.getVersion() <= liveVersion && !versions.isEmpty()) {
      return;
    }
    liveVersion = update.getVersion();
    Map<String, Double> metrics = update.getMetrics() == null ? Map.of() : update.getMetrics();
    ObjectNode version = JSON.createObjectNode().put("version", update.getVersion())
        .put("t", update.getCreatedAt().toEpochMilli()).put("examples", update.getExamplesTrained());
    putMetric(version, "accuracy", metrics.get(VersionMetrics.PAIRWISE_ACCURACY));
    putMetric(version, "logLoss", metrics.get(VersionMetrics.LOG_LOSS));
    putMetric(version, "ece", metrics.get(VersionMetrics.CALIBRATION_ECE));
    putMetric(version, "trainingLoss", metrics.get(VersionMetrics.TRAINING_LOSS));
    Double refused = metrics.get(VersionMetrics.CANDIDATES_REFUSED);
    if (refused != null) {
      double before = versions.isEmpty() || !versions.peekLast().has("refusedTotal") ? 0
          : versions.peekLast().get("refusedTotal").asDouble();
      version.put("refusedTotal", refused).put("refusedBefore", Math.max(0, refused - before));
    }
    Double newest = metrics.get(VersionMetrics.NEWEST_EXAMPLE_EVENT_TIME_MS);
    putMetric(version, "freshnessS", newest == null ? null
        : (update.getCreatedAt().toEpochMilli() - newest) / 1000.0);
    append(versions, version, VERSIONS);
  }

  synchronized void onScore(Score score, long now) {
    bucket(throughput, now)[0]++;
    if (score.getRescore()) {
      return;
    }
    scores.put(score.getInteractionId(), new Scored(score.getRawReward(), score.getModelVersion()));
    double[] rewards = bucket(rewardBuckets.computeIfAbsent(score.getPolicyVersion(), p -> new TreeMap<>()),
        score.getScoredAt() == null ? now : score.getScoredAt().toEpochMilli());
    double reward = score.getNormalizedReward();
    rewards[0]++;
    rewards[1] += reward;
    rewards[2] += reward * reward;
    Double observed = environmentRewards.get(score.getInteractionId());
    if (observed != null) {
      groundTruth(score.getRawReward(), observed, now);
    }
    List<Pending> waiting = pendingByInteraction.remove(score.getInteractionId());
    if (waiting != null) {
      for (Pending p : waiting) {
        if (!p.settled && judge(p.preference, now)) {
          p.settled = true;
        }
      }
    }
  }

  synchronized void onInteraction(Interaction interaction, long now) {
    if (interaction.getEnvReward() == null) {
      return;
    }
    environmentRewards.put(interaction.getInteractionId(), interaction.getEnvReward());
    Scored scored = scores.get(interaction.getInteractionId());
    if (scored != null) {
      groundTruth(scored.reward(), interaction.getEnvReward(), now);
    }
  }

  synchronized void onPreference(Preference preference, long now) {
    bucket(throughput, now)[1]++;
    if (preference.getA().getInteractionId() == null || preference.getB().getInteractionId() == null
        || preference.getOutcome() == PreferenceOutcome.TIE) {
      return;
    }
    if (!judge(preference, now)) {
      Pending waiting = new Pending(preference, now);
      pending.addLast(waiting);
      for (String id : List.of(preference.getA().getInteractionId(), preference.getB().getInteractionId())) {
        if (!scores.containsKey(id)) {
          pendingByInteraction.computeIfAbsent(id, k -> new ArrayList<>()).add(waiting);
        }
      }
    }
    expirePending(now);
  }

  synchronized void onAlert(DriftAlert alert) {
    append(alerts, JSON.createObjectNode().put("t", alert.getTime().toEpochMilli()).put("detector", alert.getDetector())
        .put("scope", alert.getScope()).put("status", alert.getStatus().name())
        .put("severity", alert.getSeverity().name()).put("statistic", alert.getStatistic())
        .put("threshold", alert.getThreshold()).put("message", alert.getMessage()), ALERTS);
  }

  synchronized void onDeadLetter(DeadLetter letter) {
    ObjectNode stage = deadLetters.computeIfAbsent(letter.getStage(), s -> JSON.createObjectNode().put("stage", s)
        .put("count", 0));
    stage.put("count", stage.get("count").asLong() + 1).put("lastReason", letter.getErrorClass() + ": "
        + letter.getErrorMessage()).put("lastTime", letter.getFailedAt().toEpochMilli())
        .put("lastOrigin", letter.getSourceTopic() + "/" + letter.getSourcePartition() + "@"
            + letter.getSourceOffset());
  }

  synchronized void onLag(Map<String, ConsumerLag.Group> lagByGroup) {
    lag = Map.copyOf(lagByGroup);
  }

  /** Everything the page shows, as one JSON document. */
  synchronized ObjectNode snapshot(long now) {
    expirePending(now);
    ObjectNode root = JSON.createObjectNode().put("now", now).put("liveVersion", liveVersion);
    ObjectNode accuracy = root.putObject("accuracy");
    ObjectNode latest = accuracy.putObject("latest");
    ObjectNode series = accuracy.putObject("series");
    judged.forEach((source, window) -> latest.putObject(source).put("accuracy", share(window))
        .put("labels", window.size()));
    accuracySeries.forEach((source, points) -> series.set(source, points(points)));
    accuracy.put("waitingForScores", pending.stream().filter(p -> !p.settled).count())
        .put("unjudged", unjudgedLabels);
    ObjectNode truth = root.putObject("groundTruth").put("pairs", groundTruth.size());
    truth.set("series", points(groundTruthSeries));
    ArrayNode versionList = root.putArray("versions");
    versions.forEach(versionList::add);
    ObjectNode rewards = root.putObject("rewards");
    rewardBuckets.forEach((policy, buckets) -> {
      ArrayNode points = rewards.putArray(policy);
      buckets.forEach((t, b) -> {
        double mean = b[1] / b[0];
        points.addArray().add(t).add(mean).add(Math.sqrt(Math.max(0, b[2] / b[0] - mean * mean))).add((long) b[0]);
      });
    });
    ArrayNode alertList = root.putArray("alerts");
    Iterator<ObjectNode> newestFirst = alerts.descendingIterator();
    newestFirst.forEachRemaining(alertList::add);
    ArrayNode letters = root.putArray("deadLetters");
    deadLetters.values().forEach(letters::add);
    ArrayNode rates = root.putArray("throughput");
    throughput.forEach((t, counts) -> rates.addArray().add(t).add(counts[0] * 1000.0 / BUCKET_MS)
        .add(counts[1] * 1000.0 / BUCKET_MS));
    ObjectNode lagNode = root.putObject("lag");
    new TreeMap<>(lag).forEach((group, g) -> lagNode.putObject(group).put("lag", g.lag()).put("state", g.state()));
    double[] freshness = versions.stream().filter(v -> v.has("freshnessS"))
        .mapToDouble(v -> v.get("freshnessS").asDouble()).toArray();
    if (freshness.length > 0) {
      Arrays.sort(freshness);
      root.putObject("freshness").put("p50S", quantile(freshness, 0.5)).put("p95S", quantile(freshness, 0.95))
          .put("versions", freshness.length);
    }
    return root;
  }

  /** Judges a preference once both its interactions have been scored; false while one has not. */
  private boolean judge(Preference preference, long now) {
    Scored a = scores.get(preference.getA().getInteractionId());
    Scored b = scores.get(preference.getB().getInteractionId());
    if (a == null || b == null) {
      return false;
    }
    if (a.reward() == b.reward()) {
      unjudgedLabels++;
      return true;
    }
    boolean modelPrefersA = a.reward() > b.reward();
    boolean right = modelPrefersA == (preference.getOutcome() == PreferenceOutcome.A);
    String source = preference.getSource().name();
    Deque<Boolean> window = judged.computeIfAbsent(source, s -> new ArrayDeque<>());
    append(window, right, ACCURACY_WINDOW);
    Deque<double[]> points = accuracySeries.computeIfAbsent(source, s -> new ArrayDeque<>());
    long t = now - now % BUCKET_MS;
    if (!points.isEmpty() && points.peekLast()[0] == t) {
      points.pollLast();
    }
    append(points, new double[] {t, share(window), window.size()}, POINTS);
    return true;
  }

  /** Drops settled preferences and gives up on those that waited too long or overflow the queue, oldest first. */
  private void expirePending(long now) {
    while (!pending.isEmpty()) {
      Pending oldest = pending.peekFirst();
      boolean expired = now - oldest.since > PENDING_MS || pending.size() > MAX_PENDING;
      if (!oldest.settled && !expired) {
        break;
      }
      pending.pollFirst();
      if (!oldest.settled) {
        oldest.settled = true;
        unjudgedLabels++;
        for (String id : List.of(oldest.preference.getA().getInteractionId(),
            oldest.preference.getB().getInteractionId())) {
          List<Pending> waiting = pendingByInteraction.get(id);
          if (waiting != null) {
            waiting.remove(oldest);
            if (waiting.isEmpty()) {
              pendingByInteraction.remove(id);
            }
          }
        }
      }
    }
  }

  private void groundTruth(double predicted, double observed, long now) {
    append(groundTruth, new double[] {predicted, observed}, GROUND_TRUTH_WINDOW);
    if (groundTruth.size() < 3) {
      return;
    }
    double[] stats = correlationAndRmse(groundTruth);
    long t = now - now % BUCKET_MS;
    if (!groundTruthSeries.isEmpty() && groundTruthSeries.peekLast()[0] == t) {
      groundTruthSeries.pollLast();
    }
    append(groundTruthSeries, new double[] {t, stats[0], stats[1]}, POINTS);
  }

  /**
   * Pearson correlation of predicted against observed rewards, and the RMSE of the predictions after a least-squares
   * affine fit: a reward model's scale is arbitrary, its ordering and shape are not.
   */
  static double[] correlationAndRmse(Iterable<double[]> pairs) {
    double n = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    for (double[] p : pairs) {
      n++;
      sx += p[0];
      sy += p[1];
      sxx += p[0] * p[0];
      syy += p[1] * p[1];
      sxy += p[0] * p[1];
    }
    double cov = sxy / n - sx / n * sy / n;
    double vx = sxx / n - sx / n * sx / n;
    double vy = syy / n - sy / n * sy / n;
    double r = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : Double.NaN;
    double rmse = vy <= 0 ? 0 : Math.sqrt(vy * (1 - (Double.isNaN(r) ? 0 : r * r)));
    return new double[] {r, rmse};
  }

  private static double share(Deque<Boolean> window) {
    return window.isEmpty() ? Double.NaN : window.stream().filter(b -> b).count() / (double) window.size();
  }

  private static double quantile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static ArrayNode points(Deque<double[]> points) {
    ArrayNode array = JSON.createArrayNode();
    points.forEach(p -> {
      ArrayNode point = array.addArray().add((long) p[0]);
      for (int i = 1; i < p.length; i++) {
        point.add(Double.isNaN(p[i]) ? null : p[i]);
      }
    });
    return array;
  }

  private static void putMetric(ObjectNode node, String name, Double value) {
    if (value != null && Double.isFinite(value)) {
      node.put(name, value);
    }
  }

  private static double[] bucket(TreeMap<Long, double[]> buckets, long t) {
    double[] bucket = buckets.computeIfAbsent(t - t % BUCKET_MS, k -> new double[3]);
    while (buckets.size() > POINTS) {
      buckets.pollFirstEntry();
    }
    return bucket;
  }

  private static <T> void append(Deque<T> deque, T value, int capacity) {
    deque.addLast(value);
    while (deque.size() > capacity) {
      deque.pollFirst();
    }
  }

  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED_INTERACTIONS;
      }
    };
  }
}
