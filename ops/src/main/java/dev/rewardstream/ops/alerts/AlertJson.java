package dev.rewardstream.ops.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.schema.DriftAlert;

/** The JSON a webhook receives for one alert: the {@code DriftAlert} fields, snake_case, time as ISO-8601. */
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
}
