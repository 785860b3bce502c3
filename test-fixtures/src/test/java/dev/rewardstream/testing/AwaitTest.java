package dev.rewardstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void shouldReturnWhatItSawOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();

    int seen = Await.until("the third poll", Duration.ofSeconds(5), polls::incrementAndGet, n -> n >= 3);

    assertThat(seen).isEqualTo(3);
  }

  @Test
  void shouldFailWithWhatItWaitedForAndTheLastObservation() {
    assertThatThrownBy(() -> Await.until("a value above 10", Duration.ofMillis(250), () -> 7, n -> n > 10))
        .isInstanceOf(AssertionError.class)
        .hasMessage("a value above 10 did not happen within PT0.25S; last seen: 7");
  }
}
