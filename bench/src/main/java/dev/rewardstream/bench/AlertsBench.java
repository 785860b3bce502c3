package dev.rewardstream.bench;

import com.sun.net.httpserver.HttpServer;
import dev.rewardstream.alerts.AlertFilter;
import dev.rewardstream.alerts.AlertFollower;
import dev.rewardstream.alerts.WebhookSink;
import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.sim.RecordSink;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What an alert consumer receives from the running system, per simulator scenario: each scenario runs on a fresh
 * embedded platform, with {@code rewardctl alerts}' own follower delivering to a local webhook under its defaults
 * (WARNING and above, bursts grouped), while the simulator knows when and where the change happened.
 *
 * <p>For each scenario and detector: whether it raised on the scope that changed, after the change, and its delay in
 * seconds and in that scope's scored outputs; what else was raised (before the change, or on another scope); and what
 * the webhook received. The stationary run gives false alarms per hour. For the hacking scenarios the change is not a
 * point in time but the reward model being exploited, which the bench measures from the truth the simulator keeps:
 * the exploiting agent's reward-model score rising above its first tenth of the run while its true reward falls below
 * it. A hacking alert is right when that happened and wrong when it did not.
 */
final class AlertsBench implements BenchScenario {

  private static final String POLICY = ScenarioSimulator.Options.DEFAULT_POLICY_VERSION;
  static final Set<String> HACKING = Set.of("reward-hacking", "length-correlation", "overoptimization");
  /** Every kind the drift monitor raises, in the report's column order. */
  static final List<String> DETECTORS = List.of("adwin", "page-hinkley", "ks", "psi", "feature-shift",
      "uncertainty-spike", "label-agreement", "reward-hacking", "length-correlation", "overoptimization");
  /** After the simulator stops: the last labels are trained on, their version scores, the monitor reads it. */
  private static final Duration SETTLE = Duration.ofSeconds(20);
  /** A quick run's 10 s of traffic trains a few versions: settling is only for the figures to be complete. */
  private static final Duration QUICK_SETTLE = Duration.ofSeconds(8);

  /**
   * @param changedScope the scope whose outputs change (the text agents'); null when nothing should be raised
   * @param expected the detectors that should see the change
   * @param exploit whether the change is an agent exploiting the model (measured) rather than a point in time
   */
  private record Case(Scenario scenario, boolean text, boolean control, double rate, String changedScope,
      Set<String> expected, boolean exploit) {

    /** The scopes the change reaches: the control agents' too, when they run and the change is not one agent's. */
    Set<String> changedScopes() {
      if (changedScope == null) {
        return Set.of();
      }
      return control && !exploit ? Set.of(changedScope, changedScope + "-control") : Set.of(changedScope);
    }
  }

  private static final List<Case> CASES = List.of(
      // Text agents publish as policy-1, control agents as policy-1-control.
      new Case(Scenario.STATIONARY, true, true, 10, null, Set.of(), false),
      // The agents' words move, their true reward does not: the inputs changed, not the reward.
      new Case(Scenario.POLICY_DRIFT, true, true, 10, "policy=" + POLICY, Set.of("feature-shift"), false),
      new Case(Scenario.PREFERENCE_DRIFT, true, true, 10, "policy=" + POLICY, Set.of("label-agreement"), false),
      new Case(Scenario.REWARD_HACKING, true, false, 20, "policy=" + POLICY + "-hacker", Set.of("reward-hacking"),
          true),
      new Case(Scenario.PADDING, true, false, 20, "policy=" + POLICY + "-padder", Set.of("reward-hacking"), true),
      new Case(Scenario.BURSTS_AND_MALFORMED, true, true, 10, null, Set.of(), false));

  @Override
  public String name() {
    return "alerts";
  }

  @Override
  public Result run(Context context) throws Exception {
    Duration duration = context.quick() ? Duration.ofSeconds(10) : Duration.ofSeconds(120);
    List<Case> cases = context.quick() ? List.of(CASES.get(3)) : CASES;
    Map<String, Object> figures = new LinkedHashMap<>();
    Map<String, Object> byScenario = new LinkedHashMap<>();
    List<Run> runs = new ArrayList<>();
    for (Case c : cases) {
      context.progress().accept("alerts: " + c.scenario().cliName() + " for " + duration.toSeconds() + " s");
      Run run = run(c, duration, context.quick() ? QUICK_SETTLE : SETTLE, context.seed());
      runs.add(run);
      byScenario.put(c.scenario().cliName(), run.figures());
      context.progress().accept("alerts: " + c.scenario().cliName() + ": " + run.summary());
    }
    figures.put("duration_s", duration.toSeconds());
    figures.put("scenarios", byScenario);
    runs.stream().filter(r -> r.c().scenario() == Scenario.STATIONARY).findFirst().ifPresent(stationary ->
        figures.put("stationary_false_alarms_per_hour", stationary.raised().size() * 3600.0 / duration.toSeconds()));
    return Result.of(figures, markdown(runs, duration));
  }

  /** One scenario's run: the alerts on the topic, what the webhook received, and the ground truth. */
  private record Run(Case c, long startMs, long changeMs, List<DriftAlert> raised, List<String> webhookBodies,
      int reports, Map<String, long[]> scopeEventTimes, Exploit exploit, long deadLetters) {

    Map<String, Object> figures() {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("changed_scope", c.changedScope());
      f.put("change_at_s", changeMs < 0 ? null : (changeMs - startMs) / 1000.0);
      Map<String, Object> detectors = new LinkedHashMap<>();
      for (String detector : DETECTORS) {
        Map<String, Object> d = new LinkedHashMap<>();
        DriftAlert first = firstRight(detector);
        d.put("expected", c.expected().contains(detector) && changeMs >= 0);
        d.put("fired_on_changed_scope", first != null);
        if (first != null) {
          d.put("delay_s", (first.getTime().toEpochMilli() - changeMs) / 1000.0);
          d.put("scope", first.getScope());
          d.put("delay_events", eventsBetween(first.getScope(), changeMs, first.getTime().toEpochMilli()));
        }
        detectors.put(detector, d);
      }
      f.put("detectors", detectors);
      f.put("other_raised", others().stream().map(a -> Map.of("detector", a.getDetector(), "scope", a.getScope(),
          "at_s", (a.getTime().toEpochMilli() - startMs) / 1000.0)).toList());
      f.put("webhook_notifications", webhookBodies.size());
      f.put("webhook_alerts", webhookBodies.stream().mapToInt(AlertsBench::alertsIn).sum());
      f.put("rescore_reports_on_topic", reports);
      f.put("dead_letters", deadLetters);
      if (exploit != null) {
        f.put("exploit", exploit.figures(startMs));
      }
      return f;
    }

    /** The first RAISED of {@code detector} on the changed scope after the change; null when there is none. */
    DriftAlert firstRight(String detector) {
      if (changeMs < 0 || c.changedScope() == null) {
        return null;
      }
      return raised.stream().filter(a -> a.getDetector().equals(detector) && c.changedScopes().contains(a.getScope())
          && a.getTime().toEpochMilli() >= changeMs).findFirst().orElse(null);
    }

    /**
     * RAISED alerts that are not a detector seeing the change: before it, on a scope it did not reach, or with no
     * change at all.
     */
    List<DriftAlert> others() {
      return raised.stream().filter(a -> changeMs < 0 || !c.changedScopes().contains(a.getScope())
          || a.getTime().toEpochMilli() < changeMs).toList();
    }

    long eventsBetween(String scope, long fromMs, long toMs) {
      long[] times = scopeEventTimes.getOrDefault(scope, new long[0]);
      long n = 0;
      for (long t : times) {
        n += t >= fromMs && t <= toMs ? 1 : 0;
      }
      return n;
    }

    String summary() {
      List<String> right = DETECTORS.stream().filter(d -> firstRight(d) != null).toList();
      return String.format(Locale.ROOT, "%d raised, on the changed scope after the change: %s; %d webhook "
          + "notifications%s", raised.size(), right, webhookBodies.size(),
          exploit == null ? "" : exploit.exploitedAtMs() < 0 ? "; the model was not exploited"
              : String.format(Locale.ROOT, "; exploited from %.0f s", (exploit.exploitedAtMs() - startMs) / 1e3));
    }
  }

  private static int alertsIn(String body) {
    int members = body.indexOf("\"alerts\":[");
    if (members < 0) {
      return 1;
    }
    return body.substring(members).split("\"alert_id\"", -1).length - 1;
  }

  /**
   * The exploiting agent's outputs in bins of ten seconds: mean reward-model score (normalized, as the detectors see
   * it) and mean true reward; exploited from the first full bin, after the first tenth of the run, where the score is
   * above the baseline's (the first tenth) by a quarter of its standard deviation while the true reward is below the
   * baseline's.
   */
  private record Exploit(List<double[]> bins, long exploitedAtMs) {

    Map<String, Object> figures(long startMs) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("exploited", exploitedAtMs >= 0);
      f.put("exploited_at_s", exploitedAtMs < 0 ? null : (exploitedAtMs - startMs) / 1000.0);
      f.put("bins", bins.stream().map(b -> Map.of("t_s", (b[0] - startMs) / 1000.0, "score", b[1], "true_reward",
          b[2], "outputs", (int) b[3])).toList());
      return f;
    }

    static Exploit measure(List<Score> scores, Map<String, Double> trueRewards, String policy, long startMs,
        Duration duration) {
      long binMs = 10_000;
      TreeMap<Long, double[]> sums = new TreeMap<>();
      List<Double> baseline = new ArrayList<>();
      double baselineTrue = 0;
      long baselineEnd = startMs + duration.toMillis() / 10;
      for (Score score : scores) {
        Double truth = trueRewards.get(score.getInteractionId());
        if (score.getRescore() || truth == null || !score.getPolicyVersion().equals(policy)) {
          continue;
        }
        long t = score.getEventTime().toEpochMilli();
        double[] bin = sums.computeIfAbsent((t - startMs) / binMs, b -> new double[3]);
        bin[0] += score.getNormalizedReward();
        bin[1] += truth;
        bin[2]++;
        if (t < baselineEnd) {
          baseline.add(score.getNormalizedReward());
          baselineTrue += truth;
        }
      }
      List<double[]> bins = new ArrayList<>();
      sums.forEach((b, s) -> bins.add(new double[] {startMs + b * binMs, s[0] / s[2], s[1] / s[2], s[2]}));
      if (baseline.size() < 20) {
        return new Exploit(bins, -1);
      }
      double mean = baseline.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double sd = Math.sqrt(baseline.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / baseline.size());
      double meanTrue = baselineTrue / baseline.size();
      double[] counts = bins.stream().mapToDouble(b -> b[3]).sorted().toArray();
      double median = counts[counts.length / 2];
      for (double[] bin : bins) {
        // A bin cut short (the run's last seconds) says little; the others hold about the same number of outputs.
        if (bin[3] >= median / 2 && bin[0] >= baselineEnd && bin[1] > mean + 0.25 * sd && bin[2] < meanTrue) {
          return new Exploit(bins, (long) bin[0]);
        }
      }
      return new Exploit(bins, -1);
    }
  }

  private static Run run(Case c, Duration duration, Duration settle, long seed) throws Exception {
    Path dataDir = Files.createTempDirectory("rewardstream-bench-alerts-");
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/alerts", exchange -> {
      try (exchange) {
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(204, -1);
      }
    });
    webhook.start();
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformConfig.onFreePorts(dataDir))) {
      var infra = platform.infrastructure();
      URI url = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts");
      Thread follower;
      long startMs;
      long changeMs;
      Map<String, Double> trueRewards;
      try (WebhookSink sink = new WebhookSink(url, WebhookSink.Retry.defaults(), infra.kafka(),
          infra.topics())) {
        AlertFollower alerts = new AlertFollower(infra.kafka(), infra.topics(), "bench-alerts", false,
            new AlertFilter(Severity.WARNING, null, null), sink, Duration.ofSeconds(10));
        follower = new Thread(() -> {
          try {
            alerts.run(new PrintWriter(Writer.nullWriter()), 0, duration.plus(settle).plusSeconds(5));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "bench-alerts-follower");
        follower.start();
        Map<String, Double> truth = new ConcurrentHashMap<>();
        try (RecordSink records = RecordSink.observed(new KafkaRecordSink(infra.kafka(), infra.topics()),
            interaction -> {
              String value = interaction.getMetadata().get(ScenarioSimulator.TRUE_REWARD);
              if (value != null && interaction.getPrompt() != null) {
                truth.put(interaction.getInteractionId(), Double.parseDouble(value));
              }
            }, preference -> { })) {
          ScenarioSimulator.Options defaults = ScenarioSimulator.Options.defaults(c.scenario(), seed);
          ScenarioSimulator simulator = new ScenarioSimulator(defaults.withAgents(c.text(), c.control(), false),
              new Labeler(0.5, 0, 0, seed), records, infra.topics().interactions.name(),
              infra.topics().preferences.name());
          Pacer pacer = new Pacer(c.rate());
          startMs = System.currentTimeMillis();
          changeMs = -1;
          double seconds = duration.toMillis() / 1000.0;
          while (pacer.elapsedSeconds() < seconds) {
            pacer.setRate(c.rate() * simulator.rateMultiplier(pacer.elapsedSeconds()));
            pacer.await();
            double progress = pacer.elapsedSeconds() / seconds;
            if (changeMs < 0 && progress >= Scenario.DRIFT_POINT && !c.exploit()) {
              changeMs = System.currentTimeMillis();
            }
            simulator.round(progress);
          }
          simulator.drain();
          records.flush();
          trueRewards = truth;
        }
        follower.join(duration.plus(settle).plusSeconds(60).toMillis());
      }
      List<DriftAlert> all = TopicIO.readAll(infra.bootstrapServers(), infra.topics().driftAlerts,
          Duration.ofSeconds(30));
      List<Score> scores = TopicIO.readAll(infra.bootstrapServers(), infra.topics().scores, Duration.ofSeconds(60));
      long deadLetters = TopicIO.readAll(infra.bootstrapServers(), infra.topics().deadLetters,
          Duration.ofSeconds(30)).size();
      Map<String, List<Long>> times = new LinkedHashMap<>();
      for (Score score : scores) {
        if (!score.getRescore()) {
          times.computeIfAbsent("policy=" + score.getPolicyVersion(), s -> new ArrayList<>())
              .add(score.getEventTime().toEpochMilli());
        }
      }
      Map<String, long[]> scopeEventTimes = new LinkedHashMap<>();
      times.forEach((scope, list) -> scopeEventTimes.put(scope, list.stream().mapToLong(Long::longValue).toArray()));
      Exploit exploit = null;
      if (c.exploit()) {
        exploit = Exploit.measure(scores, trueRewards, c.changedScope().substring("policy=".length()), startMs,
            duration);
        changeMs = exploit.exploitedAtMs();
      }
      List<DriftAlert> raised = all.stream().filter(a -> a.getStatus() == AlertStatus.RAISED).toList();
      int reports = (int) all.stream().filter(a -> a.getStatus() == AlertStatus.REPORT).count();
      return new Run(c, startMs, changeMs, raised, List.copyOf(bodies), reports, scopeEventTimes, exploit,
          deadLetters);
    } finally {
      webhook.stop(0);
      FreshnessBench.deleteQuietly(dataDir);
    }
  }

  private static String markdown(List<Run> runs, Duration duration) {
    StringBuilder md = new StringBuilder();
    md.append("## Alerts end to end (`alerts`)\n\n");
    md.append(String.format(Locale.ROOT, "Each scenario runs %d s on a fresh embedded platform (text agents as "
        + "`policy-1` and control agents as `policy-1-control` at 10 rounds/s; the two hacking scenarios text agents "
        + "only, at 20), with `rewardctl alerts`' "
        + "follower delivering to a local webhook under its defaults (WARNING and above, bursts on one scope "
        + "within 10 s grouped). Changes happen half-way through; for `reward-hacking` and `padding` the change is "
        + "the model being exploited, measured from the simulator's truth (the third agent's reward-model score "
        + "above its first tenth of the run by a quarter of a standard deviation while its true reward is below "
        + "it). A cell gives the first alert of the detector on a scope that changed (the text agents', or the "
        + "control agents' where they changed too), after the change: its delay "
        + "in seconds / in that scope's scored outputs; **bold** where the detector is the one expected; — where "
        + "it did not fire.\n\n", duration.toSeconds()));
    md.append("| scenario | changed scope |");
    DETECTORS.forEach(d -> md.append(' ').append(d).append(" |"));
    md.append(" other alerts raised | webhook received |\n|---|---|");
    DETECTORS.forEach(d -> md.append("---|"));
    md.append("---|---|\n");
    for (Run run : runs) {
      md.append("| ").append(run.c().scenario().cliName()).append(" | ")
          .append(run.c().changedScope() == null ? "(none)" : "`" + run.c().changedScope() + "`")
          .append(run.exploit() != null && run.exploit().exploitedAtMs() < 0 ? " (not exploited)" : "").append(" |");
      for (String detector : DETECTORS) {
        DriftAlert first = run.firstRight(detector);
        String cell = first == null ? "—" : String.format(Locale.ROOT, "%.0f s / %,d",
            (first.getTime().toEpochMilli() - run.changeMs()) / 1000.0,
            run.eventsBetween(first.getScope(), run.changeMs(), first.getTime().toEpochMilli()));
        boolean expected = run.c().expected().contains(detector) && run.changeMs() >= 0;
        md.append(' ').append(expected && first != null ? "**" + cell + "**" : expected ? "**—** (expected)" : cell)
            .append(" |");
      }
      List<DriftAlert> others = run.others();
      md.append(' ').append(others.isEmpty() ? "none" : others.stream().map(a -> String.format(Locale.ROOT,
          "%s on `%s` at %.0f s", a.getDetector(), a.getScope(), (a.getTime().toEpochMilli() - run.startMs()) / 1e3))
          .reduce((a, b) -> a + "; " + b).orElse("")).append(" |");
      md.append(String.format(Locale.ROOT, " %d notification(s) carrying %d alert(s) (%d rescore reports stayed on "
          + "the topic) |\n", run.webhookBodies().size(),
          run.webhookBodies().stream().mapToInt(AlertsBench::alertsIn).sum(), run.reports()));
    }
    runs.stream().filter(r -> r.c().scenario() == Scenario.STATIONARY).findFirst().ifPresent(s -> md.append(
        String.format(Locale.ROOT, "\nFalse alarms in the stationary run: %d raised in %d s, %.0f per hour.\n",
            s.raised().size(), duration.toSeconds(), s.raised().size() * 3600.0 / duration.toSeconds())));
    for (Run run : runs) {
      if (run.exploit() != null) {
        md.append("\n`").append(run.c().scenario().cliName()).append("`, the third agent per 10 s (reward-model "
            + "score, normalized / true reward): ");
        md.append(run.exploit().bins().stream().map(b -> String.format(Locale.ROOT, "%.0f s %+.2f / %+.2f",
            (b[0] - run.startMs()) / 1e3, b[1], b[2])).reduce((a, b) -> a + ", " + b).orElse("no outputs"));
        md.append(".\n");
      }
    }
    return md.toString();
  }
}
