package dev.rewardstream.alerts;

import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Severity;

/**
 * Which alerts to show or deliver.
 *
 * @param minSeverity the lowest severity that passes (INFO &lt; WARNING &lt; CRITICAL)
 * @param detector exact detector name, or null for every detector
 * @param scopeContains a substring of the scope (e.g. {@code policy=v3}), or null for every scope
 */
public record AlertFilter(Severity minSeverity, String detector, String scopeContains) {

  public static AlertFilter all() {
    return new AlertFilter(Severity.INFO, null, null);
  }

  public boolean matches(DriftAlert alert) {
    return alert.getSeverity().ordinal() >= minSeverity.ordinal()
        && (detector == null || detector.equals(alert.getDetector()))
        && (scopeContains == null || alert.getScope().contains(scopeContains));
  }

  /** One line: time, severity, status, detector, scope, statistic vs threshold, message. */
  public static String line(DriftAlert alert) {
    return String.format("%s  %-8s %-8s %-20s %-24s %s vs threshold %s  %s",
        alert.getTime(), alert.getSeverity(), alert.getStatus(), alert.getDetector(), alert.getScope(),
        number(alert.getStatistic()), number(alert.getThreshold()), alert.getMessage());
  }

  private static String number(double value) {
    return String.format(java.util.Locale.ROOT, "%.4g", value);
  }
}
