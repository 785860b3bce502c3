package dev.rewardstream.ops;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop, handled by the command itself: it closes its services in order on
 * its own thread and returns, so the process exits with status 0 and prints nothing but its own lines. (With the
 * JVM's default handling a signal starts the shutdown hooks, the process exits 130 or 143 whatever the hooks do, and a
 * service thread still working when the JVM halts may print its stack trace.) A second signal while stopping ends the
 * process at once.
 */
final class StopSignals {

  private final CountDownLatch requested = new CountDownLatch(1);
  private final AtomicInteger signals = new AtomicInteger();

  private StopSignals() {}

  /** Handles SIGINT and SIGTERM from now on, for the rest of the process. */
  static StopSignals install() {
    StopSignals stop = new StopSignals();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> stop.onSignal(signal.getNumber()));
    }
    return stop;
  }

  private void onSignal(int number) {
    if (signals.incrementAndGet() > 1) {
      System.err.println("second signal: stopping now, without waiting for the services");
      Runtime.getRuntime().halt(128 + number);
    }
    request();
  }

  /** Asks the command to stop, as a signal would. */
  void request() {
    requested.countDown();
  }

  boolean isRequested() {
    return requested.getCount() == 0;
  }

  void await() throws InterruptedException {
    requested.await();
  }

  /** Waits up to {@code timeout}; true when a stop was requested. */
  boolean await(Duration timeout) throws InterruptedException {
    return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
