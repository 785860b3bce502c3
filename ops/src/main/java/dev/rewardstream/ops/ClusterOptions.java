package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.serde.ClientConfigFile;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where an already running cluster is, and how to authenticate to it: for the single services and the commands that
 * produce into it. An option given on the command line wins over the same setting in the {@code --kafka-config}
 * file, which wins over the default.
 */
final class ClusterOptions {

  static final String DEFAULT_BOOTSTRAP = PlatformConfig.DEFAULT_HOST + ":" + PlatformConfig.DEFAULT_KAFKA_PORT;
  static final String DEFAULT_REGISTRY = "http://" + PlatformConfig.DEFAULT_HOST + ":"
      + PlatformConfig.DEFAULT_REGISTRY_PORT;

  @Option(names = "--bootstrap-servers",
      description = "Kafka bootstrap servers (default: the --kafka-config file's bootstrap.servers, else "
          + DEFAULT_BOOTSTRAP + ").")
  String bootstrapServers;

  @Option(names = "--schema-registry",
      description = "Schema registry URL (default: the --kafka-config file's schema.registry.url, else "
          + DEFAULT_REGISTRY + ").")
  String registry;

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "A Kafka client properties file (security.protocol, sasl.*, ssl.*), applied to every client of "
          + "this process; the registry client's settings (basic.auth.*, bearer.auth.*, schema.registry.ssl.*) may "
          + "be in it too, as in Confluent's client files. Its secrets are never printed or logged.")
  Path kafkaConfig;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name.")
  String topicPrefix;

  private ClientConfigFile clientConfig;

  private ClientConfigFile clientConfig() {
    if (clientConfig == null) {
      clientConfig = kafkaConfig == null ? ClientConfigFile.NONE : ClientConfigFile.load(kafkaConfig);
    }
    return clientConfig;
  }

  String bootstrapServers() {
    return bootstrapServers != null ? bootstrapServers
        : clientConfig().bootstrapServers().orElse(DEFAULT_BOOTSTRAP);
  }

  String registryUrl() {
    return registry != null ? registry : clientConfig().registryUrl().orElse(DEFAULT_REGISTRY);
  }

  /** The cluster, with the config file's Kafka settings. */
  KafkaConnection kafka() {
    return clientConfig().kafka(bootstrapServers());
  }

  SerdeConfig serdeConfig() {
    return clientConfig().applyTo(SerdeConfig.of(registryUrl()).withTopicPrefix(topicPrefix));
  }

  Topics topics() {
    return Topics.connect(serdeConfig());
  }
}
