package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.runtime.cluster.LocalCluster;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewardctl cluster up}, as a user runs it: every engine a process of its own (3 brokers, the registry, a Flink
 * JobManager and 2 TaskManagers running the submitted feature job, 2 scorers, the drift monitor, 2 trainers); a
 * simulator's stream becomes model versions and scores through them; {@code status} shows each process running and
 * {@code down} stops them all.
 */
class ClusterCommandTest {

  @TempDir Path dir;

  @Test
  void shouldRunTheLoopOnSeparateProcessesAndStopThemAll() throws Exception {
    int base = LocalCluster.freeBase();
    Path data = dir.resolve("cluster");
    String bootstrap = "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2);
    String registry = "http://127.0.0.1:" + (base + 20);
    // The reactor's job jar (this test runs in ops/, after stream-jobs is packaged).
    Path jobJar;
    try (var jars = java.nio.file.Files.list(Path.of("..", "stream-jobs", "target"))) {
      jobJar = jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst().orElseThrow();
    }
    RewardCtlProcess up = RewardCtlProcess.start(dir.resolve("up"), "cluster", "up", "--data-dir", data.toString(),
        "--base-port", Integer.toString(base), "--job-jar", jobJar.toAbsolutePath().toString());
    try {
      assertThat(up.waitFor(Duration.ofMinutes(5))).as("cluster up:%n%s", up.console()).isZero();
      assertThat(up.console()).contains("feature job", "running");

      Topics topics = Topics.connect(SerdeConfig.of(registry));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicDescription interactions = admin.describeTopics(List.of(topics.interactions.name())).allTopicNames()
            .get().get(topics.interactions.name());
        assertThat(interactions.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topics.interactions.name());
        assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("min.insync.replicas").value())
            .isEqualTo("2");
      }

      RewardCtlProcess simulate = RewardCtlProcess.start(dir.resolve("simulate"), "simulate", "--bootstrap-servers",
          bootstrap, "--schema-registry", registry, "--duration-s", "10", "--rate", "10");
      assertThat(simulate.waitFor(Duration.ofMinutes(2))).as("simulate:%n%s", simulate.console()).isZero();

      TopicIO.readUntil(bootstrap, topics.modelUpdates, Duration.ofSeconds(120), read -> !read.isEmpty());
      TopicIO.readUntil(bootstrap, topics.scores, Duration.ofSeconds(120), read -> read.size() >= 500);
      for (int scorer = 0; scorer < 2; scorer++) {
        String model = "http://127.0.0.1:" + (base + 40 + scorer) + "/v1/model";
        Await.until("scorer " + (scorer + 1) + " serves a version", Duration.ofSeconds(60),
            () -> LocalCluster.httpOk(model));
      }

      // status and down read the process table: in this JVM, as the same CLI
      java.io.StringWriter status = new java.io.StringWriter();
      assertThat(new picocli.CommandLine(new RewardCtl()).setOut(new java.io.PrintWriter(status, true))
          .execute("cluster", "status", "--data-dir", data.toString())).as("status:%n%s", status).isZero();
      assertThat(status.toString().lines().filter(line -> line.contains(" running ")).count()).isEqualTo(12);
    } finally {
      // up stops what it started when it fails; down is for what it left running
      if (java.nio.file.Files.exists(LocalCluster.table(data))) {
        new picocli.CommandLine(new RewardCtl()).setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()))
            .execute("cluster", "down", "--data-dir", data.toString());
      }
    }
    assertThat(LocalCluster.readTable(data)).hasSize(12).noneMatch(LocalCluster.Member::alive);
  }
}
