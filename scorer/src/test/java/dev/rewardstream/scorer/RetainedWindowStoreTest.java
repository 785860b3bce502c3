package dev.rewardstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetainedWindowStoreTest {

  /**
   * Offsets as a task sees them: increasing, with gaps where a record was dead-lettered or a transaction marker sits.
   * The window is offsets 7-10; offset 4's slot was never overwritten (8 is missing) but is out of it.
   */
  @Test
  void shouldKeepTheLastOffsetsOldestFirstAcrossTheWrap() {
    RetainedWindowStore window = RetainedWindowStore.builder("window", 4).build();
    for (long offset : new long[] {3, 4, 6, 7, 9, 10}) {
      window.put(offset, ("v" + offset).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(strings(window.valuesByOffset())).containsExactly("v7", "v9", "v10");
  }

  @Test
  void shouldHoldFewerThanItsSlotsBeforeItFills() {
    RetainedWindowStore window = RetainedWindowStore.builder("window", 1000).build();
    window.put(17, "a".getBytes(StandardCharsets.UTF_8));
    window.put(18, "b".getBytes(StandardCharsets.UTF_8));
    assertThat(strings(window.valuesByOffset())).containsExactly("a", "b");
  }

  @Test
  void shouldRefuseAChangelogAndACache() {
    assertThatThrownBy(() -> RetainedWindowStore.builder("window", 4).withLoggingEnabled(Map.of()))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("input partition");
    assertThatThrownBy(() -> RetainedWindowStore.builder("window", 4).withCachingEnabled())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> RetainedWindowStore.builder("window", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> strings(List<byte[]> values) {
    return values.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
  }
}
