package dev.rewardstream.platform;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionReplica;

/** Creates the system's topics; safe to run again: topics that exist are left as they are. */
public final class TopicAdmin {

  private TopicAdmin() {}

  /** Returns a line per topic saying whether it was created or already there. */
  public static List<String> ensureTopics(String bootstrapServers, Topics topics) {
    return ensureTopics(KafkaConnection.plaintext(bootstrapServers), topics);
  }

  /** As {@link #ensureTopics(String, Topics)}, on any cluster. */
  public static List<String> ensureTopics(KafkaConnection kafka, Topics topics) {
    List<NewTopic> wanted = new ArrayList<>();
    for (TopicSpec<?> spec : topics.all()) {
      // The cluster's default replication: one replica on the embedded broker, the cluster's choice elsewhere.
      wanted.add(new NewTopic(spec.name(), Optional.of(spec.partitions()), Optional.empty()).configs(spec.config()));
    }
    return ensure(kafka, wanted);
  }

  /**
   * Waits until every partition of {@code names} has a leader holding its log. KRaft acknowledges a creation once the
   * controller has committed it; brokers take it up a moment later. A producer
   * that writes in that moment gets NOT_LEADER_OR_FOLLOWER, and an idempotent one retrying several in-flight batches
   * then can fail with OutOfOrderSequenceException and lose them (seen with the embedded broker under load).
   */
  private static void awaitLeaders(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (true) {
      if (leadersHoldTheirLogs(admin, names)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("topics " + names + " have partitions without a leader after " + LEADER_WAIT);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Whether every partition has a leader whose log exists. Not yet, too, while the broker still answers that it does not
   * know the topic or partition (a retriable error: its metadata has not caught up with the controller's).
   */
  private static boolean leadersHoldTheirLogs(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException {
    try {
      List<TopicPartitionReplica> leaders = new ArrayList<>();
      for (var description : admin.describeTopics(names).allTopicNames().get().values()) {
        for (var partition : description.partitions()) {
          if (partition.leader() == null || partition.leader().isEmpty()) {
            return false;
          }
          leaders.add(new TopicPartitionReplica(description.name(), partition.partition(), partition.leader().id()));
        }
      }
      // The metadata cache names a leader a moment before the leader's replica manager has the partition: wait for
      // the leader's log itself.
      return admin.describeReplicaLogDirs(leaders).all().get().values().stream()
          .allMatch(info -> info.getCurrentReplicaLogDir() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) {
        return false;
      }
      throw e;
    }
  }

  private static final java.time.Duration LEADER_WAIT = java.time.Duration.ofSeconds(30);

  public static List<String> ensure(String bootstrapServers, List<NewTopic> wanted) {
    return ensure(KafkaConnection.plaintext(bootstrapServers), wanted);
  }

  public static List<String> ensure(KafkaConnection kafka, List<NewTopic> wanted) {
    try (Admin admin = Admin.create(kafka.properties())) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
        awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
      }
      List<String> report = new ArrayList<>();
      for (NewTopic topic : wanted) {
        String state = existing.contains(topic.name()) ? "exists " : "created";
        report.add(String.format("%s %-28s partitions=%d %s", state, topic.name(), topic.numPartitions(),
            topic.configs() == null ? Map.of() : topic.configs()));
      }
      return report;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating topics failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
