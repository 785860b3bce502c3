package dev.rewardstream.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The drift monitor's detectors on docs/ANCHORS.md's streams: N(0,1) with a mean shift at event 5,000 (delay in events,
 * misses within 5,000 shifted values) and stationary streams (false alarms per 10^6 values). The detectors and the
 * streams are {@link DetectorBench}'s; this puts their figures into the bench report.
 */
final class DriftDetectorBench implements BenchScenario {

  private static final Map<Double, Integer> ADWIN_ANCHOR = Map.of(0.25, 362, 0.5, 121, 1.0, 51, 2.0, 23);

  @Override
  public String name() {
    return "drift-detectors";
  }

  @Override
  public Result run(Context context) {
    int runs = context.quick() ? 10 : 100;
    int stationaryRuns = context.quick() ? 1 : 10;
    int stationaryLength = context.quick() ? 100_000 : 1_000_000;
    Map<String, Object> figures = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
        "%d runs per shift, shift at event 5,000; false alarms over %d stationary stream(s) of %,d values. "
            + "ANCHORS (MOA ADWIN δ=0.002): 362 / 121 / 51 / 23 events, 0 false alarms; the last two rows run the "
            + "anchors' own settings on the same streams.%n%n"
            + "| detector | 0.25σ | 0.5σ | 1σ | 2σ | false alarms / 10⁶ |%n|---|---|---|---|---|---|%n",
        runs, stationaryRuns, stationaryLength));
    DetectorBench.scorerDetectors().forEach((name, detectors) -> {
      context.progress().accept("drift-detectors: " + name);
      DetectorBench.Row row = DetectorBench.evaluate(name, detectors, runs, stationaryRuns, stationaryLength);
      Map<String, Object> byShift = new LinkedHashMap<>();
      md.append("| ").append(name);
      row.delays().forEach((shift, result) -> {
        byShift.put(shift + "sigma", Map.of("mean_delay_events", result.meanDelay(), "misses", result.misses(),
            "early_alarms", result.earlyAlarms()));
        md.append(String.format(Locale.ROOT, " | %.0f%s", result.meanDelay(),
            result.misses() > 0 ? " (" + result.misses() + " missed)" : ""));
      });
      md.append(String.format(Locale.ROOT, " | %.1f |%n", row.falseAlarmsPerMillion()));
      figures.put(name, Map.of("delays", byShift, "false_alarms_per_million", row.falseAlarmsPerMillion()));
    });
    figures.put("anchor_adwin_delay_events", ADWIN_ANCHOR);
    return Result.of(figures, md.toString());
  }
}
