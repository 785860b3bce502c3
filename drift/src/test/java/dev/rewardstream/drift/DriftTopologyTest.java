package dev.rewardstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import dev.rewardstream.testing.RamTempDirFactory;
import dev.rewardstream.serde.InMemorySchemaRegistry;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.TopologyDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drift monitor's topology driven through the scores topic, on synthetic streams with fixed seeds. */
class DriftTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static final int LENGTH = 2_000;
  private static final int SHIFT_AT = 1_000;
  private static final DriftConfig DRIFT = DriftConfig.defaults().withWindows(200, 200, 20).withQuietPeriod(300);

  @TempDir(factory = RamTempDirFactory.class) Path dir;

  private final Topics topics = Topics.using(SerdeConfig.of("in-memory"), new InMemorySchemaRegistry());
  private DriftConfig config = DRIFT;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Score> scores;
  private TestInputTopic<byte[], byte[]> rawScores;
  private TestInputTopic<String, ModelUpdate> updates;
  private TestOutputTopic<String, DriftAlert> alerts;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private long sequence;
  /** The model version the synthetic scores carry, as the scorer's live version would. */
  private long modelVersion = 1;
  /** The policy version the synthetic scores carry, and how far their timestamps are moved past T0. */
  private String policy = "p1";
  private Duration timeOffset = Duration.ZERO;

  /** Reward, uncertainty and length of output i of a synthetic stream. */
  private interface Stream {
    Score at(int i, SplittableRandom random);
  }

  @BeforeEach
  void start() {
    open();
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void open() {
    driver = TopologyDrivers.of(DriftTopology.build(config, topics), "drift-test", dir.resolve("state"), T0);
    scores = TopologyDrivers.input(driver, topics.scores);
    rawScores = driver.createInputTopic(topics.scores.name(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer());
    updates = TopologyDrivers.input(driver, topics.modelUpdates);
    alerts = TopologyDrivers.output(driver, topics.driftAlerts);
    deadLetters = TopologyDrivers.output(driver, topics.deadLetters);
  }

  /** Restarts the driver (the driver wipes its state on close) with other detector options. */
  private void reopen(DriftConfig options) {
    driver.close();
    config = options;
    open();
  }

  @Test
  void shouldStayQuietOnAStationaryStream() {
    List<DriftAlert> raised = pipe(0, LENGTH, 0, stationary());

    assertThat(raised).isEmpty();
  }

  @Test
  void shouldDetectAMeanShiftWithEveryMeanAndDistributionDetector() {
    pipe(0, SHIFT_AT, 0, stationary());
    assertThat(alerts.isEmpty()).as("nothing before the shift").isTrue();

    List<DriftAlert> raised = raised(pipe(SHIFT_AT, LENGTH, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100)));

    assertThat(raised).extracting(DriftAlert::getDetector)
        .containsExactlyInAnyOrder("adwin", "page-hinkley", "psi", "ks");
    assertThat(raised).allMatch(a -> a.getScope().equals("policy=p1"));
    DriftAlert ks = raised.stream().filter(a -> a.getDetector().equals("ks")).findFirst().orElseThrow();
    assertThat(ks.getStatistic()).isGreaterThan(ks.getThreshold());
    assertThat(ks.getReferenceWindow()).isEqualTo("rewards values 1..200");
  }

  @Test
  void shouldAlsoWatchEachAgentWhenConfigured() {
    reopen(DRIFT.withPerAgent(true));
    pipe(0, SHIFT_AT, 0, stationary());

    List<DriftAlert> raised = raised(pipe(SHIFT_AT, LENGTH, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100)));

    assertThat(raised).filteredOn(a -> a.getDetector().equals("adwin")).extracting(DriftAlert::getScope)
        .containsExactlyInAnyOrder("policy=p1", "policy=p1/agent=agent");
  }

  @Test
  void shouldWatchEachAttributeHeadOnItsVersionsScaleWhenTheServedRewardStaysPut() {
    // Helpfulness rises and conciseness falls by as much: the served reward (their sum) does not move.
    ModelUpdate update = published(1, 0.8);
    Map<String, Double> metrics = new java.util.HashMap<>(update.getMetrics());
    metrics.put("reward_mean@helpful", 10.0);
    metrics.put("reward_std@helpful", 2.0);
    metrics.put("reward_mean@concise", -3.0);
    metrics.put("reward_std@concise", 0.5);
    update.setMetrics(metrics);
    update.setAttributes(List.of(new dev.rewardstream.schema.AttributeWeight("helpful", 1.0),
        new dev.rewardstream.schema.AttributeWeight("concise", 1.0)));
    updates.pipeInput("reward", update);
    Stream before = (i, random) -> withAttributes(score(gaussian(random), 0.1, 100), 10 + 2 * gaussian(random),
        -3 + 0.5 * gaussian(random));
    assertThat(pipe(0, SHIFT_AT, 0, before)).isEmpty();

    List<DriftAlert> raised = raised(pipe(SHIFT_AT, LENGTH, 0, (i, random) -> withAttributes(
        score(gaussian(random), 0.1, 100), 10 + 2 * (gaussian(random) + 1), -3 + 0.5 * (gaussian(random) - 1))));

    assertThat(raised).noneMatch(a -> a.getScope().equals("policy=p1"));
    assertThat(raised).filteredOn(a -> a.getScope().equals("policy=p1/attribute=helpful"))
        .extracting(DriftAlert::getDetector).containsOnly("adwin", "page-hinkley", "psi", "ks");
    assertThat(raised).filteredOn(a -> a.getScope().equals("policy=p1/attribute=concise"))
        .extracting(DriftAlert::getDetector).containsOnly("adwin", "page-hinkley", "psi", "ks");
  }

  private static Score withAttributes(Score score, double helpful, double concise) {
    Map<String, Double> attributes = new java.util.LinkedHashMap<>();
    attributes.put("helpful", helpful);
    attributes.put("concise", concise);
    score.setAttributeRewards(attributes);
    return score;
  }

  @Test
  void shouldDetectAnUncertaintySpike() {
    pipe(0, SHIFT_AT, 0, stationary());

    List<DriftAlert> raised = raised(pipe(SHIFT_AT, LENGTH, 0,
        (i, random) -> score(gaussian(random), 0.3 + 0.02 * gaussian(random), 100)));

    assertThat(raised).extracting(DriftAlert::getDetector).containsExactly("uncertainty-spike");
  }

  @Test
  void shouldDetectAShiftOfTheInputFeaturesWhileTheRewardsStayPut() {
    pipe(0, SHIFT_AT, 0, stationary());

    List<DriftAlert> raised = raised(pipe(SHIFT_AT, LENGTH, 0,
        (i, random) -> score(gaussian(random), 0.1 + 0.02 * gaussian(random), 20 + random.nextInt(300),
            sketch(random, 0.6))));

    assertThat(raised).extracting(DriftAlert::getDetector).containsExactly("feature-shift");
    assertThat(raised.get(0).getMessage()).contains("random projection 2");
    assertThat(raised.get(0).getStatistic()).isGreaterThan(raised.get(0).getThreshold());
  }

  @Test
  void shouldDetectRewardRisingWithResponseLength() {
    pipe(0, SHIFT_AT, 0, stationary());

    List<DriftAlert> raised = pipe(SHIFT_AT, LENGTH, 0, (i, random) -> {
      int length = 20 + random.nextInt(300);
      return score((length - 170) / 87.0 + 0.5 * gaussian(random), 0.1, length);
    });

    assertThat(raised).extracting(DriftAlert::getDetector).contains("length-correlation");
    assertThat(raised).filteredOn(a -> a.getDetector().equals("length-correlation"))
        .allMatch(a -> a.getSeverity() == dev.rewardstream.schema.Severity.CRITICAL);
  }

  @Test
  void shouldDetectOveroptimizationOnlyWhenHoldoutAccuracyFalls() {
    updates.pipeInput("reward", published(1, 0.80));
    pipe(0, SHIFT_AT, 0, stationary());
    List<DriftAlert> risingAlone = pipe(SHIFT_AT, 1_500, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100));
    assertThat(risingAlone).extracting(DriftAlert::getDetector).doesNotContain("overoptimization");

    updates.pipeInput("reward", published(2, 0.70));
    modelVersion = 2;
    List<DriftAlert> raised = raised(pipe(1_500, LENGTH, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100)));

    assertThat(raised).extracting(DriftAlert::getDetector).containsExactly("overoptimization");
  }

  @Test
  void shouldRaiseRewardHackingOnTheScopeTheLabelsSayIsOverratedAndOnlyThere() {
    // The hacker's rewards climb under every version; v2's label agreement says the model overrates the hacker
    updates.pipeInput("reward", published(1, 0.80));
    pipe(0, SHIFT_AT, 0, stationary());
    List<DriftAlert> climbingAlone = pipe(SHIFT_AT, 1_500, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100));
    assertThat(climbingAlone).as("a climb the labels have not judged").extracting(DriftAlert::getDetector)
        .doesNotContain("reward-hacking");

    updates.pipeInput("reward", withLabels(published(2, 0.80), Map.of("policy=" + policy, 0.25)));
    modelVersion = 2;
    List<DriftAlert> raised = raised(pipe(1_500, LENGTH, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100)));

    assertThat(raised).filteredOn(a -> a.getDetector().equals("reward-hacking")).singleElement().satisfies(a -> {
      assertThat(a.getScope()).isEqualTo("policy=" + policy);
      assertThat(a.getSeverity()).isEqualTo(dev.rewardstream.schema.Severity.CRITICAL);
      assertThat(a.getMessage()).contains("expects these outputs to win 25 points more often");
    });
  }

  @Test
  void shouldRaiseLabelAgreementWhenTheModelStopsPredictingAScopesLabels() {
    updates.pipeInput("reward", withLabels(published(1, 0.80), Map.of("policy=" + policy, 0.0)));
    List<DriftAlert> before = pipe(0, 1_000, 0, stationary());
    assertThat(before).extracting(DriftAlert::getDetector).doesNotContain("label-agreement");

    ModelUpdate changed = published(2, 0.55);
    changed.setMetrics(new java.util.HashMap<>(changed.getMetrics()));
    changed.getMetrics().put(dev.rewardstream.model.VersionMetrics.LABEL_PAIRS + "policy=" + policy, 200.0);
    changed.getMetrics().put(dev.rewardstream.model.VersionMetrics.LABEL_ACCURACY + "policy=" + policy, 0.55);
    updates.pipeInput("reward", changed);
    modelVersion = 2;

    assertThat(raised(pipe(1_000, 1_200, 0, stationary()))).extracting(DriftAlert::getDetector)
        .containsExactly("label-agreement");
  }

  /** {@code update} with the trainer's label agreement: 200 pairs at 0.8 accuracy, and the given overratings. */
  private static ModelUpdate withLabels(ModelUpdate update, Map<String, Double> overrating) {
    Map<String, Double> metrics = new java.util.HashMap<>(update.getMetrics());
    overrating.forEach((scope, value) -> {
      metrics.put(dev.rewardstream.model.VersionMetrics.LABEL_PAIRS + scope, 200.0);
      metrics.put(dev.rewardstream.model.VersionMetrics.LABEL_ACCURACY + scope, 0.8);
      metrics.put(dev.rewardstream.model.VersionMetrics.LABEL_CROSS_PAIRS + scope, 200.0);
      metrics.put(dev.rewardstream.model.VersionMetrics.LABEL_OVERRATING + scope, value);
    });
    update.setMetrics(metrics);
    return update;
  }

  @Test
  void shouldWaitForAVersionThatLearnedEnoughBeforeComparingScores() {
    ModelUpdate young = published(1, 0.6);
    young.setExamplesTrained(DRIFT.warmupExamples() - 1);
    updates.pipeInput("reward", young);
    pipe(0, SHIFT_AT, 0, stationary());
    List<DriftAlert> whileYoung = pipe(SHIFT_AT, LENGTH, 0, (i, random) -> score(gaussian(random) + 3, 0.1, 100));
    assertThat(whileYoung).as("a young model moving its own scores").isEmpty();

    updates.pipeInput("reward", published(2, 0.8));
    modelVersion = 2;
    pipe(LENGTH, LENGTH + SHIFT_AT, 0, stationary());
    assertThat(raised(pipe(LENGTH + SHIFT_AT, 2 * LENGTH, 0, (i, random) -> score(gaussian(random) + 3, 0.1, 100))))
        .extracting(DriftAlert::getDetector).contains("adwin", "ks");
  }

  @Test
  void shouldStartTheScoreWindowsAgainOnceTheModelHasLearnedFromTwiceAsManyLabels() {
    ModelUpdate first = published(1, 0.8);
    first.setExamplesTrained(1_000);
    updates.pipeInput("reward", first);
    pipe(0, SHIFT_AT, 0, stationary());
    // v2 learned from twice the labels and scores the unchanged policy 3σ higher: the model moved, not the policy
    ModelUpdate grown = published(2, 0.8);
    grown.setExamplesTrained(2_000);
    updates.pipeInput("reward", grown);
    modelVersion = 2;
    assertThat(raised(pipe(SHIFT_AT, LENGTH, 0, (i, random) -> score(gaussian(random) + 3, 0.1, 100)))).isEmpty();

    assertThat(raised(pipe(LENGTH, 2 * LENGTH, 0, (i, random) -> score(gaussian(random) + 6, 0.1, 100))))
        .as("a change under the same model still raises").extracting(DriftAlert::getDetector).contains("adwin");
  }

  @Test
  void shouldSeeATrajectoryByItsFirstStepOnly() {
    // Every step but the first of each 20-step episode moves by 3σ: no independent evidence of a changed policy
    Stream episodes = (i, random) -> {
      Score step = score(gaussian(random) + (i >= SHIFT_AT && i % 20 != 0 ? 3 : 0), 0.1, -1);
      step.setEpisodeId("episode-" + i / 20);
      return step;
    };
    assertThat(raised(pipe(0, 20 * LENGTH, 0, episodes))).isEmpty();
  }

  @Test
  void shouldPairEachScoreWithTheAccuracyOfTheVersionThatScoredIt() {
    updates.pipeInput("reward", published(1, 0.80));
    pipe(0, SHIFT_AT, 0, stationary());
    updates.pipeInput("reward", published(2, 0.70));

    List<DriftAlert> raised = raised(pipe(SHIFT_AT, LENGTH, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100)));

    assertThat(raised).as("the rising rewards are still v1's, whose accuracy did not fall")
        .extracting(DriftAlert::getDetector).doesNotContain("overoptimization");
  }

  @Test
  void shouldRaiseOnceAndResolveOnceForASustainedDrift() {
    pipe(0, 600, 0, stationary());
    List<DriftAlert> alerted = pipe(600, 2_400, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100));

    List<DriftAlert> adwin = alerted.stream().filter(a -> a.getDetector().equals("adwin")).toList();

    assertThat(adwin).extracting(DriftAlert::getStatus).containsExactly(AlertStatus.RAISED, AlertStatus.RESOLVED);
    assertThat(adwin.get(1).getMessage()).contains("no drift for 300 observations");
  }

  /**
   * TopologyTestDriver wipes its state directory on close, so the restart is replayed the way Kafka Streams restores a
   * task on a new instance: from the store's changelog. The new driver's store is filled with the latest changelog
   * value of every key before any input, which also proves the processor keeps nothing that is not in the store.
   */
  @Test
  void shouldKeepDetectorsAndAlertStateAcrossARestart() {
    TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic(
        "drift-test-" + DriftTopology.STORE + "-changelog", Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
    pipe(0, 600, 0, stationary());
    List<DriftAlert> before = pipe(600, 800, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100));
    assertThat(before).extracting(DriftAlert::getDetector).contains("adwin");
    Map<String, byte[]> restored = changelog.readKeyValuesToMap();

    driver.close();
    open();
    KeyValueStore<String, byte[]> store = driver.getKeyValueStore(DriftTopology.STORE);
    restored.forEach(store::put);
    List<DriftAlert> after = pipe(800, 1_800, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100));

    assertThat(restored).containsKey("adwin/policy=p1").hasSize(DetectorKind.values().length);
    List<DriftAlert> adwinAfter = after.stream().filter(a -> a.getDetector().equals("adwin")).toList();
    assertThat(adwinAfter).as("the raised alert was remembered: resolved, not raised again")
        .extracting(DriftAlert::getStatus).containsExactly(AlertStatus.RESOLVED);
  }

  @Test
  void shouldForgetARetiredScopeAndResolveItsOpenAlerts() {
    reopen(DRIFT.withScopeIdleTtl(Duration.ofHours(1)));
    pipe(0, 600, 0, stationary());
    Set<String> open = new java.util.HashSet<>();
    for (DriftAlert alert : pipe(600, 1_000, 0, (i, random) -> score(gaussian(random) + 1, 0.1, 100))) {
      if (alert.getStatus() == AlertStatus.RAISED) {
        open.add(alert.getDetector());
      } else {
        open.remove(alert.getDetector());
      }
    }
    assertThat(open).as("alerts still raised for p1").contains("adwin");

    policy = "p2";
    timeOffset = Duration.ofHours(2);
    List<DriftAlert> afterRetirement = pipe(1_000, 1_100, 0, stationary());

    List<DriftAlert> retired = afterRetirement.stream().filter(a -> a.getScope().equals("policy=p1")).toList();
    assertThat(retired).as("one resolution per alert left open, none for the others")
        .allMatch(a -> a.getStatus() == AlertStatus.RESOLVED && a.getMessage().contains("retired"))
        .extracting(DriftAlert::getDetector).containsExactlyInAnyOrderElementsOf(open);
    List<String> keys = new java.util.ArrayList<>();
    try (var entries = driver.<String, byte[]>getKeyValueStore(DriftTopology.STORE).all()) {
      entries.forEachRemaining(entry -> keys.add(entry.key));
    }
    assertThat(keys).as("p1's detectors deleted, p2's kept").isNotEmpty().allMatch(key -> key.endsWith("policy=p2"));
  }

  @Test
  void shouldKeepAScopeThatIsStillObservedWithinItsIdleLimit() {
    reopen(DRIFT.withScopeIdleTtl(Duration.ofHours(1)));
    pipe(0, 300, 0, stationary());
    timeOffset = Duration.ofMinutes(50);
    pipe(300, 400, 0, stationary());
    timeOffset = Duration.ofMinutes(100);

    List<DriftAlert> alerts = pipe(400, 500, 0, stationary());

    assertThat(alerts).isEmpty();
    assertThat(driver.<String, byte[]>getKeyValueStore(DriftTopology.STORE).get("adwin/policy=p1")).isNotNull();
  }

  @Test
  void shouldDeadLetterAnUndecodableScore() {
    rawScores.pipeInput("bad".getBytes(), "not a score".getBytes());

    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(ScoreIntake.STAGE);
    assertThat(letter.getSourceTopic()).isEqualTo(topics.scores.name());
  }

  /** Pipes outputs [from, to) and returns the alerts raised meanwhile (all statuses). */
  private List<DriftAlert> pipe(int from, int to, long seedOffset, Stream stream) {
    SplittableRandom random = new SplittableRandom(1_000L * from + seedOffset);
    for (int i = from; i < to; i++) {
      Score score = stream.at(i, random);
      scores.pipeInput(score.getInteractionId(), score, T0.plus(timeOffset).plusMillis(i));
    }
    return all();
  }

  private List<DriftAlert> all() {
    return alerts.readValuesToList();
  }

  private static List<DriftAlert> raised(List<DriftAlert> alerted) {
    return alerted.stream().filter(a -> a.getStatus() == AlertStatus.RAISED).toList();
  }

  private Stream stationary() {
    return (i, random) -> score(gaussian(random), 0.1 + 0.02 * gaussian(random), 20 + random.nextInt(300),
        sketch(random, 0));
  }

  /** Input sketches with every dimension standard normal, the second projection's mean moved by {@code shift}. */
  private static List<Float> sketch(SplittableRandom random, double shift) {
    List<Float> sketch = new java.util.ArrayList<>();
    for (int d = 0; d < dev.rewardstream.model.InputSketch.DIMENSIONS; d++) {
      sketch.add((float) (gaussian(random) + (d == 1 ? shift : 0)));
    }
    return sketch;
  }

  private Score score(double reward, double uncertainty, int length) {
    return score(reward, uncertainty, length, null);
  }

  private Score score(double reward, double uncertainty, int length, List<Float> sketch) {
    String id = "i-" + sequence++;
    return Score.newBuilder().setInteractionId(id).setAgentId("agent").setPolicyVersion(policy).setModelName("reward")
        .setModelVersion(modelVersion).setRawReward(reward).setNormalizedReward(reward).setUncertainty(Math.abs(uncertainty))
        .setResponseLength(length).setInputSketch(sketch).setEventTime(T0).setScoredAt(T0).build();
  }

  private static double gaussian(SplittableRandom random) {
    return StandardNormal.next(random);
  }

  /** A version's update as the trainer publishes it; the monitor reads its metrics and never its artifact. */
  private static ModelUpdate published(long version, double accuracy) {
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(version).setCreatedAt(T0)
        .setArtifactUri("file:/nowhere/reward-v" + version).setSha256("0".repeat(64)).setFeatureSpec("unused")
        .setArchitecture("unused").setRewardMean(0).setRewardStd(1).setExamplesTrained(10_000)
        .setMetrics(Map.of(HoldoutAccuracies.PAIRWISE_ACCURACY, accuracy)).build();
  }
}
