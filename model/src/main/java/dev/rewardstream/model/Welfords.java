package dev.rewardstream.model;

import dev.rewardstream.schema.internal.Welford;

/** Welford's online mean and variance: numerically stable in one pass, mergeable state of three numbers. */
public final class Welfords {

  private Welfords() {}

  public static Welford empty() {
    return new Welford(0L, 0.0, 0.0);
  }

  public static void add(Welford w, double x) {
    long n = w.getN() + 1;
    double delta = x - w.getMean();
    double mean = w.getMean() + delta / n;
    w.setN(n);
    w.setMean(mean);
    w.setM2(w.getM2() + delta * (x - mean));
  }

  /** Population standard deviation; 0 until two values were seen. */
  public static double std(Welford w) {
    return w.getN() < 2 ? 0.0 : Math.sqrt(w.getM2() / w.getN());
  }
}
