package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.model.FeatureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureJobArgsTest {

  @Test
  void shouldApplyEveryOptionUnderRewardctlsNames() {
    FeatureJobArgs args = FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "kafka:9092", "--schema-registry",
        "http://registry:8081", "--topic-prefix", "team-a.", "--checkpoint-interval-ms", "2500",
        "--unmatched-timeout-s", "42", "--flink-parallelism", "3", "--environments", "cartpole=4:1,reacher=11:2",
        "--reward-attribution", "TERMINAL_STEP", "--max-text-chars", "4096",
        "--numeric-features", "quadratic", "--state-backend", "hashmap"});

    assertThat(args.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(args.kafka().settings()).isEmpty();
    assertThat(args.config().serde().registryUrl()).isEqualTo("http://registry:8081");
    assertThat(args.config().serde().topicPrefix()).isEqualTo("team-a.");
    assertThat(args.checkpointInterval()).isEqualTo(Duration.ofMillis(2500));
    assertThat(args.config().unmatchedTimeout()).isEqualTo(Duration.ofSeconds(42));
    assertThat(args.parallelism()).hasValue(3);
    assertThat(args.config().environments()).containsEntry("cartpole", new EnvironmentSpec(4, 1))
        .containsEntry("reacher", new EnvironmentSpec(11, 2));
    assertThat(args.config().attribution()).isEqualTo(RewardAttribution.TERMINAL_STEP);
    assertThat(args.config().maxTextChars()).isEqualTo(4096);
    assertThat(args.config().featureSpec()).isEqualTo(FeatureSpec.DEFAULT.withQuadraticNumbers());
    assertThat(args.stateBackend()).isEqualTo("hashmap");
    assertThat(FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081"}).stateBackend()).as("the join keeps a day of interactions: on disk by default")
        .isEqualTo("rocksdb");
  }

  @Test
  void shouldKeepTheJobsStateInRocksDbWithIncrementalCheckpointsUnlessToldOtherwise() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    FeatureJob.configure(env, Duration.ofSeconds(1));
    assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();

    StreamExecutionEnvironment small = StreamExecutionEnvironment.getExecutionEnvironment();
    FeatureJob.configure(small, Duration.ofSeconds(1), "hashmap");
    assertThat(small.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
  }

  @Test
  void shouldTakeTheClusterAndItsCredentialsFromAClientPropertiesFile(@TempDir Path dir) throws Exception {
    // Given a client file as Confluent's tools write one: Kafka's SASL settings and the registry's basic auth together
    Path file = dir.resolve("client.properties");
    Files.writeString(file, String.join("\n", "bootstrap.servers=broker:9093", "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"job\" "
            + "password=\"s3cret-job\";",
        "ssl.truststore.location=/etc/ca.p12", "schema.registry.url=https://registry:8443",
        "basic.auth.credentials.source=USER_INFO", "basic.auth.user.info=job:s3cret-registry",
        "schema.registry.ssl.truststore.location=/etc/ca.p12"));

    // When the job's command line names only the file
    FeatureJobArgs args = FeatureJobArgs.parse(new String[] {"--kafka-config", file.toString()});

    // Then Kafka's settings reach the connectors, the registry's reach the registry client, and neither is printed
    assertThat(args.kafka().bootstrapServers()).isEqualTo("broker:9093");
    assertThat(args.kafka().settings()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.location", "/etc/ca.p12").containsKey("sasl.jaas.config")
        .doesNotContainKeys("basic.auth.user.info", "schema.registry.url");
    assertThat(args.config().serde().registryUrl()).isEqualTo("https://registry:8443");
    assertThat(args.config().serde().registrySettings()).containsEntry("basic.auth.user.info", "job:s3cret-registry")
        .containsEntry("schema.registry.ssl.truststore.location", "/etc/ca.p12").doesNotContainKey("sasl.jaas.config");
    assertThat(args.toString()).contains("SASL_SSL").doesNotContain("s3cret");
    // An option on the command line wins over the file
    assertThat(FeatureJobArgs.parse(new String[] {"--kafka-config", file.toString(), "--bootstrap-servers",
        "other:9093"}).kafka().bootstrapServers()).isEqualTo("other:9093");
  }

  @Test
  void shouldRefuseAnOptionItDoesNotKnowAndAMissingRequiredOne() {
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081", "--parallelism", "3"}))
        .hasMessageStartingWith("unknown option --parallelism; the feature job takes --bootstrap-servers, ");
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092"}))
        .hasMessage("--schema-registry is required (or its setting in the --kafka-config file)");
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081", "--state-backend", "forst"}))
        .hasMessage("--state-backend is rocksdb or hashmap, got forst");
    // The job's jar carries no encoder: naming one fails at submission, saying what the class path holds.
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081", "--text-encoder", "all-minilm-l6-v2-q"}))
        .hasMessageStartingWith("no text encoder named \"all-minilm-l6-v2-q\" on the class path (found: none)");
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--kafka-config", "/nowhere/client.properties"}))
        .hasMessage("client config file /nowhere/client.properties does not exist");
  }
}
