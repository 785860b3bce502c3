package dev.rewardstream.bench;

import dev.rewardstream.drift.Adwin;
import dev.rewardstream.drift.DriftConfig;
import dev.rewardstream.drift.DriftDetector;
import dev.rewardstream.drift.FeatureShiftDetector;
import dev.rewardstream.drift.Observation;
import dev.rewardstream.drift.PageHinkley;
import dev.rewardstream.drift.ScoreShiftDetector;
import dev.rewardstream.drift.Verdict;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The detectors and streams of the {@code drift-detectors} scenario ({@link DriftDetectorBench} reports them), those
 * of docs/ANCHORS.md's drift table: a N(0,1) stream whose mean shifts by 0.25σ/0.5σ/1σ/2σ at event 5,000, one run per
 * seed (0, 1, …), the mean detection delay in events (shifted values seen when the detector fires) and the misses (no
 * detection within 5,000 shifted values); then false alarms per 10^6 values on stationary streams (seeds 1000, …).
 *
 * <p>Rows: the drift monitor's ADWIN (δ = 0.002, checking every value), Page-Hinkley (δ = 0.1σ, λ = 60) and its
 * score-distribution and feature-shift detectors (their reference the first 500 values); then, as a check that the
 * streams are the anchors' and to compare false alarms on the very same streams, ADWIN with MOA's clock of 32 and a
 * line-for-line port of MOA's {@code PageHinkleyDM} with its defaults (one-sided upward, δ = 0.005, λ = 50,
 * α = 0.9999, 30 instances). A benchmark, not a test: nothing here is asserted.
 */
final class DetectorBench {

  static final int CHANGE_AT = 5_000;
  static final int HORIZON = 5_000;
  public static final double[] SHIFTS = {0.25, 0.5, 1, 2};

  /** A mean-change detector fed one value at a time. */
  public interface MeanDetector {
    boolean add(double value);
  }

  /** Mean delay, misses and detections before the change for one shift. */
  public record DelayResult(double meanDelay, int misses, int earlyAlarms) {}

  /** One detector's row: delay per shift and false alarms per 10^6 stationary values. */
  public record Row(String detector, java.util.Map<Double, DelayResult> delays, double falseAlarmsPerMillion) {}

  /** The drift monitor's detectors as configured by default, then the anchors' settings, by name. */
  public static java.util.Map<String, Supplier<MeanDetector>> scorerDetectors() {
    DriftConfig defaults = DriftConfig.defaults();
    java.util.Map<String, Supplier<MeanDetector>> detectors = new java.util.LinkedHashMap<>();
    detectors.put("ADWIN delta=" + defaults.adwinDelta(), () -> new Adwin(defaults.adwinDelta(), 1)::add);
    detectors.put("Page-Hinkley d=0.1 l=60", () -> new PageHinkley(0.1, 60, 30)::add);
    detectors.put("PSI 500+500", () -> risingEdges(new ScoreShiftDetector(ScoreShiftDetector.Test.PSI, defaults)));
    detectors.put("KS alpha=1e-4 500+500",
        () -> risingEdges(new ScoreShiftDetector(ScoreShiftDetector.Test.KS, defaults)));
    detectors.put("Feature shift KS alpha=1e-4/5 500+500", DetectorBench::featureShift);
    // The anchors' own settings on the very same streams: MOA's ADWIN checks every 32 values, and a line-for-line
    // port of MOA's PageHinkleyDM with its defaults.
    detectors.put("ADWIN delta=0.002 clock=32 (MOA's setting)", () -> new Adwin(0.002, 32)::add);
    detectors.put("Page-Hinkley, MOA's defaults (port)", () -> new MoaPageHinkley()::add);
    return detectors;
  }

  /** Evaluates one detector on the anchor streams. */
  public static Row evaluate(String name, Supplier<MeanDetector> detectors, int runs, int stationaryRuns,
      int stationaryLength) {
    java.util.Map<Double, DelayResult> delays = new java.util.LinkedHashMap<>();
    for (double shift : SHIFTS) {
      delays.put(shift, delay(detectors, shift, runs));
    }
    return new Row(name, delays, falseAlarmsPerMillion(detectors, stationaryRuns, stationaryLength));
  }

  private DetectorBench() {}

  /**
   * A window detector says DRIFT at every evaluation while its windows differ; what counts as one detection (or one
   * false alarm) is a CLEAR-to-DRIFT edge, which is also what raises an alert.
   */
  static MeanDetector risingEdges(DriftDetector detector) {
    return risingEdges(detector, value -> new Observation(value, 0, -1, Double.NaN));
  }

  /**
   * The feature-shift detector on the same streams: the stream's value is one input-sketch dimension, the other
   * dimensions stationary N(0, 1) noise, so a detection is the shifted dimension seen through the multiple-test
   * correction.
   */
  static MeanDetector featureShift() {
    SplittableRandom noise = new SplittableRandom(NoiseSeeds.next());
    return risingEdges(new FeatureShiftDetector(DriftConfig.defaults()), value -> {
      float[] sketch = new float[dev.rewardstream.model.InputSketch.DIMENSIONS];
      for (int d = 0; d < sketch.length; d++) {
        sketch[d] = (float) (d == 1 ? value : gaussian(noise));
      }
      return new Observation(0, 0, -1, Double.NaN, sketch);
    });
  }

  /** Distinct noise seeds for the detectors a run creates, reproducible from run to run. */
  private static final class NoiseSeeds {
    private static final java.util.concurrent.atomic.AtomicLong SEEDS = new java.util.concurrent.atomic.AtomicLong();

    static long next() {
      return 0x5eedL + SEEDS.incrementAndGet();
    }
  }

  static MeanDetector risingEdges(DriftDetector detector, java.util.function.DoubleFunction<Observation> observe) {
    boolean[] drifting = {false};
    return value -> {
      Verdict verdict = detector.observe(observe.apply(value));
      if (verdict.state() == Verdict.State.PENDING) {
        return false;
      }
      boolean now = verdict.state() == Verdict.State.DRIFT;
      boolean edge = now && !drifting[0];
      drifting[0] = now;
      return edge;
    };
  }

  static DelayResult delay(Supplier<MeanDetector> detectors, double shift, int runs) {
    long delaySum = 0;
    int detected = 0;
    int misses = 0;
    int early = 0;
    for (int run = 0; run < runs; run++) {
      SplittableRandom random = new SplittableRandom(run);
      MeanDetector detector = detectors.get();
      int delay = -1;
      for (int t = 0; t < CHANGE_AT + HORIZON && delay < 0; t++) {
        double value = gaussian(random) + (t >= CHANGE_AT ? shift : 0);
        if (detector.add(value)) {
          if (t < CHANGE_AT) {
            early++;
          } else {
            delay = t - CHANGE_AT + 1;
          }
        }
      }
      if (delay < 0) {
        misses++;
      } else {
        delaySum += delay;
        detected++;
      }
    }
    return new DelayResult(detected == 0 ? Double.NaN : (double) delaySum / detected, misses, early);
  }

  static double falseAlarmsPerMillion(Supplier<MeanDetector> detectors, int runs, int length) {
    long alarms = 0;
    for (int run = 0; run < runs; run++) {
      SplittableRandom random = new SplittableRandom(1_000 + run);
      MeanDetector detector = detectors.get();
      for (int t = 0; t < length; t++) {
        if (detector.add(gaussian(random))) {
          alarms++;
        }
      }
    }
    return alarms * 1e6 / ((double) runs * length);
  }

  /** Box-Muller on SplittableRandom, so a seed gives the same stream on every JVM. */
  static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** MOA's {@code moa.classifiers.core.driftdetection.PageHinkleyDM} with its default options, for the anchor row. */
  static final class MoaPageHinkley implements MeanDetector {
    private static final int MIN_INSTANCES = 30;
    private static final double DELTA = 0.005;
    private static final double LAMBDA = 50;
    private static final double ALPHA = 1 - 0.0001;
    private int sampleCount = 1;
    private double mean;
    private double sum;

    @Override
    public boolean add(double x) {
      mean += (x - mean) / sampleCount;
      sum = ALPHA * sum + (x - mean - DELTA);
      sampleCount++;
      if (sampleCount >= MIN_INSTANCES && sum > LAMBDA) {
        sampleCount = 1;
        mean = 0;
        sum = 0;
        return true;
      }
      return false;
    }
  }
}
