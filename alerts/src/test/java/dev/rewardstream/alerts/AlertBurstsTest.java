package dev.rewardstream.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class AlertBurstsTest {

  private static final long SECOND = 1_000_000_000L;
  private static final TopicPartition PARTITION = new TopicPartition("drift-alerts", 0);

  @Test
  void shouldHoldAScopesAlertsUntilTheWindowAfterTheFirstHasPassed() {
    AlertBursts bursts = new AlertBursts(Duration.ofSeconds(10));
    bursts.add(record(5), alert("adwin", "policy=p", AlertStatus.RAISED), 0);
    bursts.add(record(6), alert("ks", "policy=p", AlertStatus.RAISED), 4 * SECOND);
    bursts.add(record(7), alert("ks", "policy=q", AlertStatus.RAISED), 6 * SECOND);

    assertThat(bursts.due(9 * SECOND)).isEmpty();
    assertThat(bursts.firstHeldOffset(PARTITION)).isEqualTo(5);

    List<List<AlertBursts.Held>> due = bursts.due(10 * SECOND);
    assertThat(due).hasSize(1);
    assertThat(due.get(0)).extracting(held -> held.alert().getDetector()).containsExactly("adwin", "ks");
    assertThat(bursts.firstHeldOffset(PARTITION)).as("policy=q's alert is still held").isEqualTo(7);

    assertThat(bursts.due(16 * SECOND)).hasSize(1);
    assertThat(bursts.firstHeldOffset(PARTITION)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void shouldKeepRaisedAndResolvedApartAndNeverHoldReports() {
    AlertBursts bursts = new AlertBursts(Duration.ofSeconds(10));
    bursts.add(record(1), alert("adwin", "policy=p", AlertStatus.RAISED), 0);
    bursts.add(record(2), alert("psi", "policy=p", AlertStatus.RESOLVED), 0);

    assertThat(bursts.drain()).hasSize(2);
    assertThat(bursts.groups(alert("rescore-summary", "model=reward", AlertStatus.REPORT))).isFalse();
    assertThat(new AlertBursts(Duration.ZERO).groups(alert("adwin", "policy=p", AlertStatus.RAISED))).isFalse();
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset) {
    return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, new byte[0], new byte[0]);
  }

  private static DriftAlert alert(String detector, String scope, AlertStatus status) {
    return DriftAlert.newBuilder().setAlertId(detector + scope).setDetector(detector).setScope(scope)
        .setStatus(status).setSeverity(Severity.WARNING).setStatistic(1).setThreshold(0.5).setMessage("m")
        .setTime(Instant.EPOCH).build();
  }
}
