package dev.rewardstream.trainer;

import dev.rewardstream.model.Logistic;
import dev.rewardstream.model.Scopes;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.ExampleOrigin;
import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the reward model agrees with the labelers on each policy version's and agent's outputs ({@link Scopes}), from
 * pairwise examples scored just before they were learned. The drift monitor reads it with each version: a policy that
 * climbs the reward model while its labels do not follow is hacking it, and a scope whose labels the model stops
 * predicting has seen its preferences change.
 *
 * <p>A pair counts for the scope of each side. Its agreement (did the model order it as the labeler did) counts for
 * both; its overrating, P_model(side wins) − label(side wins), only when the two sides come from different scopes:
 * within one scope the two sides' overratings cancel and say nothing about the scope.
 */
final class ScopeAgreement {

  /** Pairs per scope: a standard error of ±0.035 on an overrating, ±0.03 on an accuracy. */
  static final int WINDOW = 200;
  /** Scopes kept, the most recently labelled; their metrics ride on every model update. */
  static final int MAX_SCOPES = 64;

  private record Judged(boolean decided, boolean agreed, boolean crossScope, double overrating) {}

  private final Map<String, ArrayDeque<Judged>> scopes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Judged>> eldest) {
      return size() > MAX_SCOPES;
    }
  };

  /** {@code rewards} are the model's (rA, rB) of {@code example} before it learned it. */
  void record(TrainingExample example, double[] rewards) {
    ExampleOrigin a = example.getAOrigin();
    ExampleOrigin b = example.getBOrigin();
    if (example.getKind() != ExampleKind.PAIRWISE || a == null || b == null) {
      return;
    }
    double d = rewards[0] - rewards[1];
    double pA = Logistic.sigmoid(d);
    double t = example.getTarget();
    boolean decided = t != 0.5;
    boolean agreed = decided && (d > 0) == (t > 0.5);
    for (String scopeA : scopesOf(a)) {
      for (String scopeB : scopesOf(b)) {
        if (scopeA.equals(scopeB)) {
          add(scopeA, new Judged(decided, agreed, false, 0));
        }
      }
    }
    for (String scope : scopesOf(a)) {
      if (!scopesOf(b).contains(scope)) {
        add(scope, new Judged(decided, agreed, true, pA - t));
      }
    }
    for (String scope : scopesOf(b)) {
      if (!scopesOf(a).contains(scope)) {
        add(scope, new Judged(decided, agreed, true, t - pA));
      }
    }
  }

  private static List<String> scopesOf(ExampleOrigin origin) {
    return List.of(Scopes.policy(origin.getPolicyVersion()),
        Scopes.agent(origin.getPolicyVersion(), origin.getAgentId()));
  }

  private void add(String scope, Judged judged) {
    ArrayDeque<Judged> window = scopes.computeIfAbsent(scope, s -> new ArrayDeque<>());
    window.addLast(judged);
    if (window.size() > WINDOW) {
      window.removeFirst();
    }
  }

  /** The {@link VersionMetrics} label keys of every kept scope. */
  Map<String, Double> metrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    scopes.forEach((scope, window) -> {
      int decided = 0;
      int agreed = 0;
      int cross = 0;
      double overrating = 0;
      for (Judged judged : window) {
        decided += judged.decided() ? 1 : 0;
        agreed += judged.agreed() ? 1 : 0;
        if (judged.crossScope()) {
          cross++;
          overrating += judged.overrating();
        }
      }
      metrics.put(VersionMetrics.LABEL_PAIRS + scope, (double) window.size());
      if (decided > 0) {
        metrics.put(VersionMetrics.LABEL_ACCURACY + scope, (double) agreed / decided);
      }
      metrics.put(VersionMetrics.LABEL_CROSS_PAIRS + scope, (double) cross);
      if (cross > 0) {
        metrics.put(VersionMetrics.LABEL_OVERRATING + scope, overrating / cross);
      }
    });
    return metrics;
  }
}
