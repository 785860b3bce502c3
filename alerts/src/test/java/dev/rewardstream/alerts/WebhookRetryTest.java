package dev.rewardstream.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookRetryTest {

  private final WebhookSink.Retry retry =
      new WebhookSink.Retry(8, Duration.ofMillis(100), Duration.ofMillis(1_000), Duration.ofSeconds(1));

  @Test
  void shouldDoubleTheBackoffWithJitterInItsUpperHalf() {
    for (int i = 0; i < 200; i++) {
      assertThat(retry.backoff(1).toMillis()).isBetween(50L, 100L);
      assertThat(retry.backoff(2).toMillis()).isBetween(100L, 200L);
      assertThat(retry.backoff(3).toMillis()).isBetween(200L, 400L);
    }
  }

  @Test
  void shouldCapTheBackoff() {
    for (int i = 0; i < 200; i++) {
      assertThat(retry.backoff(7).toMillis()).isBetween(500L, 1_000L);
      assertThat(retry.backoff(60).toMillis()).isBetween(500L, 1_000L);
    }
  }
}
