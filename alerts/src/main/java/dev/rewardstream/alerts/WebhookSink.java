package dev.rewardstream.alerts;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to a webhook as JSON ({@link AlertJson}) by HTTP POST. Connection errors, timeouts and 5xx answers
 * are retried with exponential backoff and jitter, up to a bounded number of attempts; a 4xx answer is not retried (the
 * receiver refused this alert, asking again will not change that). An alert that is finally not delivered is written
 * to the dead letters with its origin and the raw alert bytes, and {@link #deliver} returns only once that write is
 * acknowledged: the caller can then commit the alert's offset and nothing is lost.
 *
 * <p>Delivery is at least once: a crash between a delivery and the offset commit delivers that alert again, so
 * receivers should de-duplicate by {@code alert_id}.
 */
public final class WebhookSink implements AutoCloseable {

  public static final String STAGE = "alerts/webhook";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
  private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);

  /**
   * @param maxAttempts attempts per alert, the first included
   * @param initialBackoff wait after the first failure; doubled after each further one
   * @param maxBackoff cap of the wait
   * @param requestTimeout bound of one attempt (connect and answer)
   */
  public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration requestTimeout) {

    public static Retry defaults() {
      return new Retry(5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /**
     * The wait before attempt {@code failed + 1}: half the exponential step plus a uniform random half, so receivers
     * recovering from an outage are not hit by every sender at the same instant.
     */
    Duration backoff(int failed) {
      long step = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(failed - 1, 30));
      return Duration.ofMillis(step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1));
    }
  }

  /** How one alert ended: delivered after {@code attempts}, or dead-lettered because of {@code failure}. */
  public record Outcome(boolean delivered, int attempts, String failure) {}

  /** Why a delivery was given up. */
  public static final class WebhookDeliveryException extends Exception {
    WebhookDeliveryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI url;
  private final Retry retry;
  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> deadLetters;
  private final HttpClient client;

  public WebhookSink(URI url, Retry retry, KafkaConnection kafka, Topics topics) {
    this.url = url;
    this.retry = retry;
    this.topics = topics;
    this.deadLetters = TopicIO.producer(kafka);
    this.client = HttpClient.newBuilder().connectTimeout(retry.requestTimeout()).build();
  }

  public URI url() {
    return url;
  }

  /** Delivers {@code alert}, read from {@code record}, or dead-letters it; returns how it ended. */
  public Outcome deliver(ConsumerRecord<byte[], byte[]> record, DriftAlert alert) throws InterruptedException {
    return deliver(List.of(record), List.of(alert));
  }

  /**
   * Delivers {@code alerts}, read from {@code records}, as one notification ({@link AlertJson#group} when there are
   * several), or dead-letters every one of them; returns how it ended.
   */
  public Outcome deliver(List<ConsumerRecord<byte[], byte[]>> records, List<DriftAlert> alerts)
      throws InterruptedException {
    String body = (alerts.size() == 1 ? AlertJson.of(alerts.get(0)) : AlertJson.group(alerts)).toString();
    String what = alerts.size() == 1 ? "alert " + alerts.get(0).getAlertId()
        : "group of " + alerts.size() + " alerts " + alerts.stream().map(DriftAlert::getAlertId).toList();
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(retry.requestTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    String lastFailure = "no attempt made";
    Throwable lastError = null;
    int attempts = 0;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      attempts = attempt;
      if (attempt > 1) {
        Thread.sleep(retry.backoff(attempt - 1).toMillis());
      }
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return new Outcome(true, attempt, null);
        }
        lastFailure = "HTTP " + status + " " + abbreviate(response.body());
        lastError = null;
        if (status < 500) {
          break;
        }
      } catch (IOException e) {
        lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastError = e;
      }
      LOG.info("webhook {} attempt {}/{} for {} failed: {}", url, attempt, retry.maxAttempts(), what, lastFailure);
    }
    String reason = "webhook " + url + " did not take " + what + " after " + attempts + " attempt(s): " + lastFailure;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      deadLetter(record, new WebhookDeliveryException(reason, lastError));
    }
    return new Outcome(false, attempts, reason);
  }

  /** Dead-letters a record of the alerts topic that cannot be read as an alert, so it is not delivered nor lost. */
  public void deadLetterUnreadable(ConsumerRecord<byte[], byte[]> record, Exception error) {
    deadLetter(record, error);
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
    DeadLetter letter = DeadLetters.of(STAGE, record.topic(), record.partition(), record.offset(), record.key(),
        record.value(), error);
    try {
      deadLetters.send(new ProducerRecord<>(topics.deadLetters.name(),
              DeadLetters.keyOf(letter).getBytes(java.nio.charset.StandardCharsets.UTF_8),
              topics.deadLetters.encode(letter)))
          .get(DEAD_LETTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while dead-lettering an undelivered alert", e);
    } catch (ExecutionException | TimeoutException e) {
      // Not committing is what keeps the alert: the caller must stop, and a restart retries it.
      throw new IllegalStateException("cannot dead-letter an undelivered alert: " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String body) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
    return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
  }

  @Override
  public void close() {
    deadLetters.close(Duration.ofSeconds(5));
  }
}
