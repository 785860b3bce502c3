package dev.rewardstream.drift;

import java.util.SplittableRandom;

/** N(0, 1) values by Box-Muller on SplittableRandom, so that a seed gives the same stream on every JVM. */
final class StandardNormal {

  private StandardNormal() {}

  static double next(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
