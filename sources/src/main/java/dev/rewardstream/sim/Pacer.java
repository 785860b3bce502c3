package dev.rewardstream.sim;

/**
 * Holds a producer to a rate: {@link #await()} returns when the next record is due. Due times advance from the
 * start rather than from the last return, so a slow send is caught up instead of lowering the rate for good.
 */
public final class Pacer {

  private final long start = System.nanoTime();
  private double perSecond;
  private double due;

  /** {@code perSecond} ≤ 0 means as fast as possible. */
  public Pacer(double perSecond) {
    this.perSecond = perSecond;
  }

  /** Changes the rate from now on (bursts). A backlog older than a second is forgiven, not caught up in a rush. */
  public void setRate(double perSecond) {
    this.perSecond = perSecond;
    due = Math.max(due, elapsedSeconds() - 1);
  }

  public void await() throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    double wait = due - elapsedSeconds();
    if (wait > 0) {
      long nanos = (long) (wait * 1e9);
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
    due += 1.0 / perSecond;
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
