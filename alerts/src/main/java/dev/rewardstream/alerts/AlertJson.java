package dev.rewardstream.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.schema.DriftAlert;

/**
 * The JSON a webhook receives: for one alert, the {@code DriftAlert} fields, snake_case, time as ISO-8601; for a burst
 * on one scope ({@link #group}), the same fields summing the burst up, and every alert in {@code alerts}.
 */
public final class AlertJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertJson() {}

  public static ObjectNode of(DriftAlert alert) {
    ObjectNode node = JSON.createObjectNode()
        .put("alert_id", alert.getAlertId())
        .put("detector", alert.getDetector())
        .put("scope", alert.getScope())
        .put("status", alert.getStatus().name())
        .put("severity", alert.getSeverity().name())
        .put("statistic", alert.getStatistic())
        .put("threshold", alert.getThreshold())
        .put("message", alert.getMessage())
        .put("time", alert.getTime().toString());
    node.put("reference_window", alert.getReferenceWindow());
    node.put("current_window", alert.getCurrentWindow());
    return node;
  }

  /**
   * Several alerts of one scope and status as one notification: {@code alert_id} "group:" + the first alert's id,
   * {@code detector} the detectors' names joined by commas, the highest {@code severity}, the first alert's time,
   * statistic and threshold, a {@code message} with every detector's evidence, and the alerts themselves.
   */
  public static ObjectNode group(java.util.List<DriftAlert> alerts) {
    DriftAlert first = alerts.get(0);
    dev.rewardstream.schema.Severity highest = alerts.stream().map(DriftAlert::getSeverity)
        .max(java.util.Comparator.naturalOrder()).orElseThrow();
    StringBuilder message = new StringBuilder().append(alerts.size()).append(" detectors ")
        .append(first.getStatus().name()).append(" on ").append(first.getScope()).append(':');
    for (DriftAlert alert : alerts) {
      message.append(' ').append(alert.getDetector()).append(" (").append(alert.getSeverity().name()).append("): ")
          .append(alert.getMessage()).append(';');
    }
    message.setLength(message.length() - 1);
    ObjectNode node = JSON.createObjectNode()
        .put("alert_id", "group:" + first.getAlertId())
        .put("detector", String.join(",", alerts.stream().map(DriftAlert::getDetector).toList()))
        .put("scope", first.getScope())
        .put("status", first.getStatus().name())
        .put("severity", highest.name())
        .put("statistic", first.getStatistic())
        .put("threshold", first.getThreshold())
        .put("message", message.toString())
        .put("time", first.getTime().toString());
    node.put("reference_window", first.getReferenceWindow());
    node.put("current_window", first.getCurrentWindow());
    com.fasterxml.jackson.databind.node.ArrayNode members = node.putArray("alerts");
    alerts.forEach(alert -> members.add(of(alert)));
    return node;
  }
}
