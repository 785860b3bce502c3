package dev.rewardstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.model.FeatureSpec;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class FeatureJobArgsTest {

  @Test
  void shouldApplyEveryOptionUnderRewardctlsNames() {
    FeatureJobArgs args = FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "kafka:9092", "--schema-registry",
        "http://registry:8081", "--topic-prefix", "team-a.", "--checkpoint-interval-ms", "2500",
        "--unmatched-timeout-s", "42", "--flink-parallelism", "3", "--environments", "cartpole=4:1,reacher=11:2",
        "--reward-attribution", "TERMINAL_STEP", "--max-text-chars", "4096",
        "--numeric-features", "quadratic", "--state-backend", "hashmap"});

    assertThat(args.bootstrapServers()).isEqualTo("kafka:9092");
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
  void shouldRefuseAnOptionItDoesNotKnowAndAMissingRequiredOne() {
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081", "--parallelism", "3"}))
        .hasMessageStartingWith("unknown option --parallelism; the feature job takes --bootstrap-servers, ");
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092"}))
        .hasMessage("--schema-registry is required");
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081", "--state-backend", "forst"}))
        .hasMessage("--state-backend is rocksdb or hashmap, got forst");
    // The job's jar carries no encoder: naming one fails at submission, saying what the class path holds.
    assertThatThrownBy(() -> FeatureJobArgs.parse(new String[] {"--bootstrap-servers", "k:9092", "--schema-registry",
        "http://r:8081", "--text-encoder", "all-minilm-l6-v2-q"}))
        .hasMessageStartingWith("no text encoder named \"all-minilm-l6-v2-q\" on the class path (found: none)");
  }
}
