package dev.rewardstream.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small summaries for reports. */
final class Stats {

  private Stats() {}

  /** Nearest-rank percentile of unsorted values; NaN when empty. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static Map<String, Object> latencySummary(List<Double> seconds) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", seconds.size());
    out.put("p50_s", round(percentile(seconds, 50)));
    out.put("p95_s", round(percentile(seconds, 95)));
    out.put("p99_s", round(percentile(seconds, 99)));
    out.put("max_s", round(percentile(seconds, 100)));
    return out;
  }

  static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  static double sd(double[] values) {
    double m = mean(values);
    return values.length < 2 ? 0
        : Math.sqrt(Arrays.stream(values).map(v -> (v - m) * (v - m)).sum() / (values.length - 1));
  }

  /** Four decimals: enough for accuracies and seconds, short enough to read in result.json. */
  static double round(double value) {
    return Double.isFinite(value) ? Math.round(value * 10_000) / 10_000.0 : value;
  }

  /** Peak resident set of this process in MiB (VmHWM), or NaN where /proc is not available. */
  static double peakRssMib() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
