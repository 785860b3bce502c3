package dev.rewardstream.jobs;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.NumericFeatures;
import dev.rewardstream.model.TextEncoder;
import dev.rewardstream.serde.ClientConfigFile;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.flink.util.ParameterTool;

/**
 * The job jar's command line ({@code flink run ... --bootstrap-servers ... --schema-registry ...}), with the option
 * names {@code rewardctl} uses for the same settings. An option the job does not know fails the submission: Flink's
 * parameter parser would otherwise ignore a misspelt one and run with its default.
 *
 * @param kafka the cluster, with the security settings of {@code --kafka-config FILE} (a client properties file read
 *     where the job's main method runs; its registry settings go to the registry client)
 * @param parallelism {@code --flink-parallelism}, or the cluster's default when absent
 * @param stateBackend {@code --state-backend}: rocksdb (default) or hashmap
 */
public record FeatureJobArgs(KafkaConnection kafka, FeatureJobConfig config, Duration checkpointInterval,
    OptionalInt parallelism, String stateBackend) {

  static final List<String> OPTIONS = List.of("bootstrap-servers", "schema-registry", "kafka-config", "topic-prefix",
      "checkpoint-interval-ms", "unmatched-timeout-s", "flink-parallelism", "environments", "reward-attribution",
      "max-text-chars", "numeric-features", "text-encoder", "step-separator", "state-backend");

  public static FeatureJobArgs parse(String[] args) {
    ParameterTool params = ParameterTool.fromArgs(args);
    for (String key : params.toMap().keySet()) {
      if (!OPTIONS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key + "; the feature job takes --"
            + String.join(", --", OPTIONS));
      }
    }
    ClientConfigFile clientConfig = params.has("kafka-config")
        ? ClientConfigFile.load(Path.of(params.get("kafka-config"))) : ClientConfigFile.NONE;
    SerdeConfig serde = clientConfig.applyTo(SerdeConfig.of(required(params, "schema-registry",
        clientConfig.registryUrl())).withTopicPrefix(params.get("topic-prefix", "")));
    FeatureJobConfig config = FeatureJobConfig.defaults(serde)
        .withUnmatchedTimeout(Duration.ofSeconds(params.getLong("unmatched-timeout-s",
            FeatureJobConfig.DEFAULT_UNMATCHED_TIMEOUT.toSeconds())))
        .withEnvironments(environments(params.get("environments", "")))
        .withAttribution(RewardAttribution.valueOf(params.get("reward-attribution",
            FeatureJobConfig.DEFAULT_REWARD_ATTRIBUTION.name())))
        .withMaxTextChars(params.getInt("max-text-chars", InteractionValidator.DEFAULT_MAX_TEXT_CHARS))
        .withFeatureSpec(FeatureSpec.of(params.get("numeric-features", NumericFeatures.UNIT.label()),
            params.get("text-encoder", TextEncoder.NONE), params.get("step-separator", "")));
    Duration checkpointInterval = Duration.ofMillis(params.getLong("checkpoint-interval-ms",
        FeatureJob.DEFAULT_CHECKPOINT_INTERVAL.toMillis()));
    OptionalInt parallelism = params.has("flink-parallelism")
        ? OptionalInt.of(params.getInt("flink-parallelism")) : OptionalInt.empty();
    String stateBackend = params.get("state-backend", FeatureJob.DEFAULT_STATE_BACKEND);
    if (!List.of("rocksdb", "hashmap").contains(stateBackend)) {
      throw new IllegalArgumentException("--state-backend is rocksdb or hashmap, got " + stateBackend);
    }
    return new FeatureJobArgs(clientConfig.kafka(required(params, "bootstrap-servers",
        clientConfig.bootstrapServers())), config, checkpointInterval, parallelism,
        stateBackend);
  }

  /** "cartpole=4:1,reacher=11:2", as {@code rewardctl up --environments} takes it. */
  static Map<String, EnvironmentSpec> environments(String list) {
    Map<String, EnvironmentSpec> specs = new LinkedHashMap<>();
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] nameAndSpec = entry.split("=", 2);
      if (nameAndSpec.length != 2) {
        throw new IllegalArgumentException("--environments takes NAME=STATE:ACTION entries, got " + entry);
      }
      specs.put(nameAndSpec[0].trim(), EnvironmentSpec.parse(nameAndSpec[1]));
    }
    return specs;
  }

  /** The option, else what the client config file says, else an error naming both. */
  private static String required(ParameterTool params, String key, Optional<String> fromConfigFile) {
    if (params.has(key)) {
      return params.get(key);
    }
    return fromConfigFile.orElseThrow(() -> new IllegalArgumentException("--" + key
        + " is required (or its setting in the --kafka-config file)"));
  }
}
