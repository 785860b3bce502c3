package dev.rewardstream.ops;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.schema.AttributeWeight;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.Score;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.runtime.cluster.LocalCluster;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    Path jobJar = ClusterCli.jobJar();
    // The model options reach every process: a head named for the labels that name no attribute, and a step
    // separator no simulated answer holds (so each is one step) that still changes the feature spec's fingerprint,
    // which the job, the trainers and the scorers must then all share for a version to be trained and served.
    RewardCtlProcess up = RewardCtlProcess.start(dir.resolve("up"), "cluster", "up", "--data-dir", data.toString(),
        "--base-port", Integer.toString(base), "--job-jar", jobJar.toString(), "--attributes", "overall=1",
        "--step-separator", "\\t\\t");
    try {
      assertThat(up.waitFor(Duration.ofMinutes(5))).as("cluster up:%n%s", up.console()).isZero();
      assertThat(up.console()).contains("feature job", "running");

      Topics topics = Topics.connect(SerdeConfig.of(registry));
      ClusterCli.assertReplicated(KafkaConnection.plaintext(bootstrap), topics.interactions.name());

      RewardCtlProcess simulate = RewardCtlProcess.start(dir.resolve("simulate"), "simulate", "--bootstrap-servers",
          bootstrap, "--schema-registry", registry, "--duration-s", "10", "--rate", "10");
      assertThat(simulate.waitFor(Duration.ofMinutes(2))).as("simulate:%n%s", simulate.console()).isZero();

      ModelUpdate version = TopicIO.readUntil(bootstrap, topics.modelUpdates, Duration.ofSeconds(120),
          read -> !read.isEmpty()).get(0);
      assertThat(version.getFeatureSpec()).isEqualTo(FeatureSpec.DEFAULT.withSteps(
          ResponseSteps.separatedBy("\\t\\t")).fingerprint());
      assertThat(version.getAttributes()).extracting(AttributeWeight::getName).containsExactly("overall");
      List<Score> scores = TopicIO.readUntil(bootstrap, topics.scores, Duration.ofSeconds(120),
          read -> read.size() >= 500);
      assertThat(scores.get(scores.size() - 1).getAttributeRewards()).containsOnlyKeys("overall");
      for (int scorer = 0; scorer < 2; scorer++) {
        String model = "http://127.0.0.1:" + (base + 40 + scorer) + "/v1/model";
        Await.until("scorer " + (scorer + 1) + " serves a version", Duration.ofSeconds(60),
            () -> LocalCluster.httpOk(model));
      }

      ClusterCli.Status status = ClusterCli.status(data);
      assertThat(status.exit()).as("status:%n%s", status.printed()).isZero();
      assertThat(status.running()).isEqualTo(12);
    } finally {
      ClusterCli.downIfUp(data);
    }
    assertThat(LocalCluster.readTable(data)).hasSize(12).noneMatch(LocalCluster.Member::alive);
  }
}
