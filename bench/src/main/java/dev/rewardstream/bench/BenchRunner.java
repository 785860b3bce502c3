package dev.rewardstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs named benchmark scenarios one after the other and writes {@code result.json}, {@code report.md} and the plots
 * into one directory. A scenario that fails is recorded with its error and the others still run.
 */
public final class BenchRunner {

  /** Every scenario, in the order a full run takes them. */
  public static final List<String> SCENARIOS = List.of("label-efficiency", "pair-selection", "multi-attribute", "process-rewards", "hh-rlhf", "bt-stream",
      "freshness", "hh-rlhf-live", "label-efficiency-live", "trainer-throughput", "scorer-throughput", "scorer-tls", "scoring-api",
      "trajectory-api", "mpc", "feature-job-latency", "drift-detectors", "alerts", "chaos",
      "scale-out");

  /** What was run; {@code failed} names the scenarios that threw, {@code skipped} those that could not run here. */
  public record Outcome(Path resultJson, Path report, List<String> failed, List<String> skipped) {}

  private BenchRunner() {}

  public static BenchScenario scenario(String name) {
    return switch (name) {
      case "label-efficiency" -> new LabelEfficiencyBench();
      case "pair-selection" -> new PairSelectionBench();
      case "multi-attribute" -> new MultiAttributeBench();
      case "process-rewards" -> new ProcessRewardBench();
      case "hh-rlhf" -> new HhRlhfBench();
      case "hh-rlhf-live" -> new HhRlhfLiveBench();
      case "bt-stream" -> new BtStreamBench();
      case "freshness" -> new FreshnessBench();
      case "label-efficiency-live" -> new LiveLearningBench();
      case "trainer-throughput" -> new TrainerThroughputBench();
      case "scorer-throughput" -> new ScorerThroughputBench();
      case "scorer-tls" -> new ScorerTlsBench();
      case "scoring-api" -> new ScoringApiBench();
      case "trajectory-api" -> new TrajectoryApiBench();
      case "mpc" -> new MpcBench();
      case "feature-job-latency" -> new FeatureJobLatencyBench();
      case "drift-detectors" -> new DriftDetectorBench();
      case "alerts" -> new AlertsBench();
      case "chaos" -> new ChaosBench();
      case "scale-out" -> new ScaleOutBench();
      default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + SCENARIOS);
    };
  }

  public static Outcome run(List<String> names, BenchScenario.Context context, Path out, Consumer<String> log)
      throws IOException {
    Files.createDirectories(out);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("generated_at", Instant.now().toString());
    result.put("quick", context.quick());
    result.put("seed", context.seed());
    result.put("machine", Map.of("available_processors", Runtime.getRuntime().availableProcessors(),
        "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
            + System.getProperty("os.arch"), "max_heap_mib", Runtime.getRuntime().maxMemory() / (1 << 20)));
    Map<String, Object> scenarios = new LinkedHashMap<>();
    result.put("scenarios", scenarios);
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "# rewardstream benchmark report%n%n"
        + "%s run, %s, %d processors, Java %s. Figures: `result.json`; anchors: docs/ANCHORS.md in the repository.%n",
        context.quick() ? "Quick (smoke)" : "Full", result.get("generated_at"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
    List<String> failed = new java.util.ArrayList<>();
    List<String> skipped = new java.util.ArrayList<>();
    for (String name : names) {
      BenchScenario scenario = scenario(name);
      long start = System.nanoTime();
      log.accept("== " + name);
      md.append("\n## ").append(name).append("\n\n");
      try {
        BenchScenario.Result r = scenario.run(context);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>(r.figures());
        figures.put("wall_s", Stats.round(seconds));
        scenarios.put(name, figures);
        md.append(r.markdown());
        for (Map.Entry<String, Chart> plot : r.plots().entrySet()) {
          Files.writeString(out.resolve(plot.getKey()), plot.getValue().svg(), StandardCharsets.UTF_8);
          Files.write(out.resolve(plot.getKey().replaceFirst("\\.svg$", "") + ".png"), plot.getValue().png());
        }
        log.accept(String.format(Locale.ROOT, "== %s done in %.0f s", name, seconds));
      } catch (ScenarioSkippedException e) {
        skipped.add(name);
        scenarios.put(name, Map.of("skipped", e.getMessage()));
        md.append("**Skipped:** ").append(e.getMessage()).append('\n');
        log.accept("== " + name + " skipped: " + e.getMessage());
      } catch (Exception e) {
        failed.add(name);
        scenarios.put(name, Map.of("error", String.valueOf(e.getMessage())));
        md.append("**Failed:** ").append(e.getMessage()).append('\n');
        log.accept("== " + name + " FAILED: " + e.getMessage());
      }
    }
    double rss = Stats.peakRssMib();
    result.put("peak_rss_mib", Stats.round(rss));
    md.append(String.format(Locale.ROOT, "%n## Memory%n%nPeak resident set of the benchmark process (VmHWM, includes "
        + "the embedded platform when `freshness` ran): %.0f MiB.%n", rss));
    Path json = out.resolve("result.json");
    Path report = out.resolve("report.md");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
    Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
    return new Outcome(json, report, failed, skipped);
  }
}
