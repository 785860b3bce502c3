package dev.rewardstream.ops;

import dev.rewardstream.alerts.AlertFilter;
import dev.rewardstream.alerts.AlertFollower;
import dev.rewardstream.alerts.WebhookSink;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.serde.Topics;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rewardctl alerts}: follows the drift-alerts topic and prints one line per alert (time, severity, status,
 * detector, scope, statistic vs threshold, message); with {@code --webhook}, also POSTs each as JSON, retrying with
 * backoff, and dead-letters what cannot be delivered. What reaches a webhook by default is what asks for action
 * (WARNING and above), with bursts on one scope grouped into one notification. Progress is kept in the consumer group {@code --group}, committed
 * only after an alert is delivered or dead-lettered.
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "Follow drift alerts with filters; optionally deliver them to a webhook.")
final class AlertsCommand implements Callable<Integer> {

  static final String DEFAULT_WEBHOOK_GROUP = "rewardctl-alerts-webhook";

  @Mixin ClusterOptions cluster;

  @Option(names = "--from-now", description = "Start at the end of the topic (or the group's committed offset) "
      + "instead of the beginning.")
  boolean fromNow;

  @Option(names = "--severity", description = "Minimum severity: INFO, WARNING or CRITICAL (default: INFO when "
      + "printing only; WARNING with --webhook, so a chat channel or pager receives only what asks for action: give "
      + "INFO for rescore reports too).")
  String severity;

  @Option(names = "--detector", description = "Only this detector.") String detector;

  @Option(names = "--scope", description = "Only scopes containing this text, e.g. policy=v3.") String scope;

  @Option(names = "--max", defaultValue = "0", description = "Stop after this many matching alerts; 0: no limit.")
  int max;

  @Option(names = "--timeout-s", defaultValue = "0", description = "Stop after this many seconds; 0: no limit.")
  long timeoutSeconds;

  @Option(names = "--group", description = "Consumer group recording progress (default: none for printing, "
      + DEFAULT_WEBHOOK_GROUP + " with --webhook).")
  String group;

  @Option(names = "--webhook", description = "POST each matching alert as JSON to this URL.") URI webhook;

  @Option(names = "--webhook-attempts", defaultValue = "5",
      description = "Delivery attempts per alert before it is dead-lettered (default: ${DEFAULT-VALUE}).")
  int webhookAttempts;

  @Option(names = "--webhook-backoff-ms", defaultValue = "500",
      description = "Wait after the first failed attempt, doubled after each further one, with jitter "
          + "(default: ${DEFAULT-VALUE}).")
  long webhookBackoffMs;

  @Option(names = "--burst-window-s", defaultValue = "10",
      description = "With --webhook: alerts of one scope and status within this many seconds of the first are "
          + "delivered as one notification with every detector's evidence; 0 delivers each alone "
          + "(default: ${DEFAULT-VALUE}).")
  long burstWindowSeconds;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Severity minSeverity;
    try {
      minSeverity = severity != null ? Severity.valueOf(severity.toUpperCase(Locale.ROOT))
          : webhook != null ? Severity.WARNING : Severity.INFO;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--severity must be INFO, WARNING or CRITICAL, not " + severity);
    }
    if (webhookAttempts < 1) {
      throw new ParameterException(spec.commandLine(), "--webhook-attempts must be at least 1");
    }
    if (burstWindowSeconds < 0) {
      throw new ParameterException(spec.commandLine(), "--burst-window-s must be 0 or more");
    }
    Topics topics = cluster.topics();
    AlertFilter filter = new AlertFilter(minSeverity, detector, scope);
    PrintWriter out = spec.commandLine().getOut();
    WebhookSink sink = webhook == null ? null : new WebhookSink(webhook,
        new WebhookSink.Retry(webhookAttempts, Duration.ofMillis(webhookBackoffMs), Duration.ofSeconds(30),
            Duration.ofSeconds(10)), cluster.kafka(), topics);
    String groupId = group != null ? group : sink != null ? DEFAULT_WEBHOOK_GROUP : null;
    try {
      AlertFollower.Summary summary = new AlertFollower(cluster.kafka(), topics, groupId, fromNow, filter,
          sink, Duration.ofSeconds(burstWindowSeconds)).run(out, max, Duration.ofSeconds(timeoutSeconds));
      if (sink != null) {
        out.printf("%d alerts matched, %d delivered to %s, %d dead-lettered%n", summary.matched(),
            summary.delivered(), webhook, summary.deadLettered());
        out.flush();
      }
    } finally {
      if (sink != null) {
        sink.close();
      }
    }
    return 0;
  }
}
