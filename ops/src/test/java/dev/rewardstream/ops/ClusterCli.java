package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.runtime.cluster.LocalCluster;
import dev.rewardstream.serde.KafkaConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine;

/** What the cluster tests share: the job jar they submit, and {@code cluster status} and {@code down} in this JVM. */
final class ClusterCli {

  private ClusterCli() {}

  /** The reactor's job jar (the tests run in ops/, after stream-jobs is packaged). */
  static Path jobJar() throws IOException {
    try (var jars = Files.list(Path.of("..", "stream-jobs", "target"))) {
      return jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst().orElseThrow()
          .toAbsolutePath();
    }
  }

  /** Every partition of {@code topic} has three replicas, and two must be in sync for a write. */
  static void assertReplicated(KafkaConnection kafka, String topic) throws Exception {
    try (Admin admin = Admin.create(kafka.properties())) {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("min.insync.replicas")
          .value()).isEqualTo("2");
    }
  }

  /** {@code rewardctl cluster status}: its exit status, and how many processes its table shows running. */
  record Status(int exit, long running, String printed) {}

  static Status status(Path data) {
    StringWriter printed = new StringWriter();
    int exit = new CommandLine(new RewardCtl()).setOut(new PrintWriter(printed, true))
        .execute("cluster", "status", "--data-dir", data.toString());
    return new Status(exit, printed.toString().lines().filter(line -> line.contains(" running ")).count(),
        printed.toString());
  }

  /** {@code rewardctl cluster down}, for what {@code up} left running (it stops what it started when it fails). */
  static void downIfUp(Path data) {
    if (Files.exists(LocalCluster.table(data))) {
      new CommandLine(new RewardCtl()).setOut(new PrintWriter(Writer.nullWriter()))
          .execute("cluster", "down", "--data-dir", data.toString());
    }
  }
}
