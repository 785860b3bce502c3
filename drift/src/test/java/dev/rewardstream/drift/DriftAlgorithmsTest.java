package dev.rewardstream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftAlgorithmsTest {

  @Test
  void shouldComputeThePsiOfKnownProportions() {
    // (0.25-0.5) ln(0.25/0.5) + (0.75-0.5) ln(0.75/0.5)
    double psi = PopulationStabilityIndex.psi(new double[] {0.5, 0.5}, new double[] {0.25, 0.75});

    assertThat(psi).isCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), within(1e-12));
  }

  @Test
  void shouldBinByReferenceQuantiles() {
    double[] reference = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    double[] edges = PopulationStabilityIndex.binEdges(reference, 5);
    double[] proportions = PopulationStabilityIndex.proportions(new double[] {0, 2, 2.5, 11}, edges);

    assertThat(edges).containsExactly(2, 4, 6, 8);
    assertThat(proportions).containsExactly(0.5, 0.25, 0, 0, 0.25);
    assertThat(PopulationStabilityIndex.psi(reference, reference, 5)).isZero();
  }

  @Test
  void shouldPutThePsiNoiseFloorAtTheChiSquareQuantile() {
    // χ²(9) exceeds 33.72 with probability 10^-4; Wilson-Hilferty is within 2% of it
    assertThat(PopulationStabilityIndex.noiseFloor(200, 200, 10)).isCloseTo(0.01 * 33.72, within(0.007));
  }

  @Test
  void shouldComputeTheKsStatisticAndCriticalValue() {
    // F at 5: 5/5 vs 3/6 -> D = 0.5 (scipy.stats.ks_2samp gives the same)
    double d = KolmogorovSmirnov.statistic(new double[] {1, 2, 3, 4, 5}, new double[] {3, 4, 5, 6, 7, 8});

    assertThat(d).isCloseTo(0.5, within(1e-12));
    assertThat(KolmogorovSmirnov.statistic(new double[] {1, 1, 2}, new double[] {2, 1, 1})).isZero();
    assertThat(KolmogorovSmirnov.criticalValue(100, 100, 0.05)).isCloseTo(1.3581 * Math.sqrt(0.02), within(1e-4));
    assertThat(KolmogorovSmirnov.criticalValue(500, 500, 0.001)).isCloseTo(1.9495 * Math.sqrt(0.004), within(1e-4));
  }

  @Test
  void shouldKeepAdwinQuietOnAConstantStreamAndCutAtAStep() {
    Adwin adwin = new Adwin(0.002, 1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(adwin.add(0)).isFalse();
    }
    assertThat(adwin.width()).isEqualTo(1_000);

    int detectedAfter = 0;
    while (!adwin.add(1)) {
      detectedAfter++;
    }

    // ε for n0 = 1000, n1 = k with a tiny window variance is ≈ 2/3 ln(2 ln n / δ) / (k - 4): about 10 values of 1.
    assertThat(detectedAfter).isBetween(5, 15);
    assertThat(adwin.lastCut().olderMean()).isLessThan(adwin.lastCut().newerMean());
    assertThat(adwin.width()).as("the oldest buckets were dropped").isLessThan(1_000);
  }

  @Test
  void shouldSignalAChangeOnceWhileLaterCutsLocateIt() {
    Adwin adwin = new Adwin(0.002, 1);
    for (int i = 0; i < 1_000; i++) {
      adwin.add(0);
    }
    int signals = 0;
    int cuts = 0;
    // The step is cut about ten times in the next 30 values, each cut within 32 values of the one before.
    for (int i = 0; i < 60; i++) {
      signals += adwin.add(1) ? 1 : 0;
      cuts += adwin.lastCut() != null ? 1 : 0;
    }

    assertThat(signals).isEqualTo(1);
    assertThat(cuts).isGreaterThan(5);
  }

  @Test
  void shouldKeepTheExponentialHistogramLogarithmic() throws Exception {
    Adwin adwin = new Adwin(0.002, 1);
    SplittableRandom random = new SplittableRandom(0);
    for (int i = 0; i < 100_000; i++) {
      adwin.add(StandardNormal.next(random));
    }

    assertThat(adwin.width()).isEqualTo(100_000);
    assertThat(adwin.mean()).isCloseTo(0, within(0.02));
    assertThat(encoded(adwin).length).as("≈ 5 buckets per level, 17 levels").isLessThan(2_000);
  }

  @Test
  void shouldDetectAPageHinkleyShiftAfterAboutLambdaOverShiftMinusDelta() {
    PageHinkley ph = new PageHinkley(0.1, 60, 30);
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 5_000; i++) {
      assertThat(ph.add(StandardNormal.next(random))).isFalse();
    }
    int delay = 1;
    while (!ph.add(StandardNormal.next(random) + 2)) {
      delay++;
    }

    assertThat(delay).as("60 / (2 - 0.1) ≈ 32").isBetween(20, 45);
    assertThat(ph.alarmStatistic()).isGreaterThan(60);
    assertThat(ph.count()).as("restarted").isZero();
  }

  @Test
  void shouldContinueIdenticallyAfterAStateRoundTrip() throws Exception {
    DriftConfig config = DriftConfig.defaults().withWindows(50, 50, 10);
    SplittableRandom random = new SplittableRandom(7);
    for (DetectorKind kind : DetectorKind.values()) {
      DriftDetector original = kind.create(config);
      for (int i = 0; i < 120; i++) {
        original.observe(observation(random, 0));
      }
      DriftDetector restored = kind.read(new DataInputStream(new ByteArrayInputStream(encoded(original))));
      for (int i = 0; i < 200; i++) {
        Observation next = observation(random, i > 50 ? 3 : 0);
        assertThat(restored.observe(next)).as(kind.name()).isEqualTo(original.observe(next));
      }
    }
  }

  private static Observation observation(SplittableRandom random, double shift) {
    return new Observation(StandardNormal.next(random) + shift, 0.1 + shift * 0.1, 50 + random.nextInt(100),
        0.8 - shift * 0.1).withLabels(new LabelAgreement(200, 0.8 - shift * 0.1, 150, shift * 0.1));
  }

  private static byte[] encoded(DriftDetector detector) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      detector.writeTo(out);
    }
    return bytes.toByteArray();
  }
}
