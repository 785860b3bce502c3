package dev.rewardstream.platform;

import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the system's topics; safe to run again: topics that exist are left as they are. */
public final class TopicAdmin {

  private TopicAdmin() {}

  /** Returns a line per topic saying whether it was created or already there. */
  public static List<String> ensureTopics(String bootstrapServers, Topics topics) {
    List<NewTopic> wanted = new ArrayList<>();
    for (TopicSpec<?> spec : topics.all()) {
      wanted.add(new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.config()));
    }
    return ensure(bootstrapServers, wanted);
  }

  public static List<String> ensure(String bootstrapServers, List<NewTopic> wanted) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
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
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating topics failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
