package dev.rewardstream.ops;

import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import picocli.CommandLine.Option;

/** Where an already running cluster is: for the single services and the commands that produce into it. */
final class ClusterOptions {

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--schema-registry", defaultValue = "http://127.0.0.1:8081",
      description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
  String registry;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name.")
  String topicPrefix;

  Topics topics() {
    return Topics.connect(SerdeConfig.of(registry).withTopicPrefix(topicPrefix));
  }
}
