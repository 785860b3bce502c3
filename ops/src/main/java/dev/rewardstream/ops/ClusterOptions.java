package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import picocli.CommandLine.Option;

/** Where an already running cluster is: for the single services and the commands that produce into it. */
final class ClusterOptions {

  @Option(names = "--bootstrap-servers",
      defaultValue = PlatformConfig.DEFAULT_HOST + ":" + PlatformConfig.DEFAULT_KAFKA_PORT,
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--schema-registry",
      defaultValue = "http://" + PlatformConfig.DEFAULT_HOST + ":" + PlatformConfig.DEFAULT_REGISTRY_PORT,
      description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name.")
  String topicPrefix;

  Topics topics() {
    return Topics.connect(SerdeConfig.of(registry).withTopicPrefix(topicPrefix));
  }
}
