package dev.rewardstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.Severity;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardStateTest {

  private static final long T0 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

  @Test
  void shouldJudgeEachLabelByTheScoresItsAnswersGotWhetherTheyCameBeforeOrAfterIt() {
    DashboardState state = new DashboardState();
    // a label whose answers are scored afterwards waits for them
    state.onPreference(preference("p1", "a1", "b1", PreferenceOutcome.A, LabelSource.HUMAN), T0);
    state.onScore(score("a1", 2.0, "policy-1"), T0 + 10);
    state.onScore(score("b1", 1.0, "policy-1"), T0 + 20);
    // two more, scored first: one the model gets right, one wrong
    state.onScore(score("a2", 0.5, "policy-1"), T0 + 30);
    state.onScore(score("b2", 1.5, "policy-1"), T0 + 40);
    state.onPreference(preference("p2", "a2", "b2", PreferenceOutcome.B, LabelSource.HUMAN), T0 + 50);
    state.onPreference(preference("p3", "a2", "b2", PreferenceOutcome.A, LabelSource.AI), T0 + 60);
    // a tie teaches nothing here, a label on answers never scored expires unjudged
    state.onPreference(preference("p4", "a1", "b1", PreferenceOutcome.TIE, LabelSource.HUMAN), T0 + 70);
    state.onPreference(preference("p5", "x", "y", PreferenceOutcome.A, LabelSource.HUMAN), T0 + 80);

    JsonNode snapshot = state.snapshot(T0 + 81 + DashboardState.PENDING_MS);

    assertThat(snapshot.at("/accuracy/latest/HUMAN/accuracy").asDouble()).isEqualTo(1.0);
    assertThat(snapshot.at("/accuracy/latest/HUMAN/labels").asInt()).isEqualTo(2);
    assertThat(snapshot.at("/accuracy/latest/AI/accuracy").asDouble()).isEqualTo(0.0);
    assertThat(snapshot.at("/accuracy/unjudged").asLong()).isEqualTo(1);
    assertThat(snapshot.at("/accuracy/waitingForScores").asInt()).isZero();
    assertThat(snapshot.at("/accuracy/series/HUMAN").size()).isPositive();
  }

  @Test
  void shouldGiveUpOnTheOldestWaitingLabelsBeyondTheCap() {
    DashboardState state = new DashboardState();
    for (int i = 0; i <= DashboardState.MAX_PENDING; i++) {
      state.onPreference(preference("p" + i, "a" + i, "b" + i, PreferenceOutcome.A, LabelSource.HUMAN), T0);
    }
    state.onScore(score("a0", 1.0, "p"), T0);
    state.onScore(score("b0", 0.0, "p"), T0);
    state.onScore(score("a1", 1.0, "p"), T0);
    state.onScore(score("b1", 0.0, "p"), T0);

    JsonNode snapshot = state.snapshot(T0);

    assertThat(snapshot.at("/accuracy/unjudged").asLong()).as("the oldest, p0, was given up").isEqualTo(1);
    assertThat(snapshot.at("/accuracy/latest/HUMAN/labels").asInt()).as("p1 judged when its scores came").isEqualTo(1);
    assertThat(snapshot.at("/accuracy/waitingForScores").asLong()).isEqualTo(DashboardState.MAX_PENDING - 1);
  }

  @Test
  void shouldCorrelateScoresWithEnvironmentRewards() {
    DashboardState state = new DashboardState();
    for (int i = 0; i < 50; i++) {
      state.onInteraction(Interaction.newBuilder().setInteractionId("s" + i).setAgentId("a").setPolicyVersion("p")
          .setEventTime(Instant.ofEpochMilli(T0)).setState(List.of(1f)).setAction(List.of(0f))
          .setEnvReward(3.0 * i + 1).build(), T0);
      state.onScore(score("s" + i, 0.5 * i, "p"), T0 + i);
    }

    JsonNode last = lastPoint(state.snapshot(T0 + 100).at("/groundTruth/series"));

    assertThat(last.get(1).asDouble()).as("perfectly affine: r = 1").isCloseTo(1.0, within(1e-9));
    assertThat(last.get(2).asDouble()).as("nothing left after an affine fit").isCloseTo(0.0, within(1e-6));
  }

  @Test
  void shouldListVersionsAlertsDeadLettersAndFreshness() {
    DashboardState state = new DashboardState();
    state.onModelUpdate(update(1, T0, Map.of(VersionMetrics.PAIRWISE_ACCURACY, 0.7, VersionMetrics.LOG_LOSS, 0.6,
        VersionMetrics.TRAINING_LOSS, 0.5, VersionMetrics.NEWEST_EXAMPLE_EVENT_TIME_MS, (double) (T0 - 1500))));
    state.onModelUpdate(update(1, T0, Map.of())); // the compacted topic read again: nothing new
    state.onAlert(DriftAlert.newBuilder().setAlertId("x").setDetector("adwin").setScope("policy=p")
        .setStatus(AlertStatus.RAISED).setSeverity(Severity.WARNING).setStatistic(0.3).setThreshold(0.2)
        .setMessage("moved").setTime(Instant.ofEpochMilli(T0)).build());
    for (int i = 0; i < 3; i++) {
      state.onDeadLetter(DeadLetter.newBuilder().setStage("flink/decode-interaction").setSourceTopic("interactions")
          .setSourcePartition(0).setSourceOffset(i).setRawValue(ByteBuffer.wrap(new byte[] {1}))
          .setErrorClass("RecordRejectedException").setErrorMessage("bad " + i)
          .setFailedAt(Instant.ofEpochMilli(T0)).build());
    }

    JsonNode snapshot = state.snapshot(T0);

    assertThat(snapshot.get("versions")).hasSize(1);
    assertThat(snapshot.at("/versions/0/accuracy").asDouble()).isEqualTo(0.7);
    assertThat(snapshot.at("/versions/0/trainingLoss").asDouble()).isEqualTo(0.5);
    assertThat(snapshot.at("/versions/0/freshnessS").asDouble()).isEqualTo(1.5);
    assertThat(snapshot.at("/freshness/p50S").asDouble()).isEqualTo(1.5);
    assertThat(snapshot.at("/alerts/0/detector").asText()).isEqualTo("adwin");
    assertThat(snapshot.at("/deadLetters/0/count").asLong()).isEqualTo(3);
    assertThat(snapshot.at("/deadLetters/0/lastReason").asText()).isEqualTo("RecordRejectedException: bad 2");
    assertThat(snapshot.at("/deadLetters/0/lastOrigin").asText()).isEqualTo("interactions/0@2");
    assertThat(snapshot.at("/liveVersion").asLong()).isEqualTo(1);
  }

  private static JsonNode lastPoint(JsonNode series) {
    return series.get(series.size() - 1);
  }

  private static Score score(String interaction, double reward, String policy) {
    Score score = new Score();
    score.setInteractionId(interaction);
    score.setAgentId("agent");
    score.setPolicyVersion(policy);
    score.setModelName("reward");
    score.setModelVersion(1L);
    score.setRawReward(reward);
    score.setNormalizedReward(reward);
    score.setUncertainty(0.0);
    score.setPessimisticReward(reward);
    score.setOptimisticReward(reward);
    score.setRescore(false);
    score.setResponseLength(3);
    score.setInputSketch(List.of());
    score.setEventTime(Instant.ofEpochMilli(T0));
    score.setScoredAt(Instant.ofEpochMilli(T0));
    return score;
  }

  private static Preference preference(String id, String a, String b, PreferenceOutcome outcome, LabelSource source) {
    return Preference.newBuilder().setPreferenceId(id).setEventTime(Instant.ofEpochMilli(T0))
        .setA(PreferenceSide.newBuilder().setInteractionId(a).build())
        .setB(PreferenceSide.newBuilder().setInteractionId(b).build()).setOutcome(outcome).setSource(source).build();
  }

  private static ModelUpdate update(long version, long createdAt, Map<String, Double> metrics) {
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(version)
        .setCreatedAt(Instant.ofEpochMilli(createdAt)).setArtifactUri("file:///x").setSha256("00")
        .setFeatureSpec("spec").setArchitecture("linear").setRewardMean(0).setRewardStd(1).setExamplesTrained(10)
        .setMetrics(metrics).build();
  }
}
