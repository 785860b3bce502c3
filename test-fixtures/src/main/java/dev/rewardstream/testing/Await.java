package dev.rewardstream.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for what a test depends on instead of sleeping for it: polls until a condition holds, and fails with what it
 * last saw when the time runs out.
 */
public final class Await {

  private static final Duration POLL = Duration.ofMillis(100);

  private Await() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} when {@code timeout} passes first. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * Polls {@code observe} until {@code done} holds for what it returns, and returns that.
   *
   * @throws AssertionError naming {@code what} and the last observation when {@code timeout} passes first
   */
  public static <T> T until(String what, Duration timeout, Supplier<T> observe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T seen = observe.get();
    while (!done.test(seen)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + timeout + "; last seen: " + seen);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
      seen = observe.get();
    }
    return seen;
  }
}
