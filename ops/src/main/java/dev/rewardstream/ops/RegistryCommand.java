package dev.rewardstream.ops;

import dev.rewardstream.platform.SchemaRegistryServer;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.serde.ClientConfigFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rewardctl registry}: the Confluent-API schema registry as its own process, its schemas kept in a compacted
 * Kafka topic of the cluster it is pointed at (so any number of registry processes serve the same schemas).
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = "Run the schema registry (Confluent API) on a Kafka cluster.")
final class RegistryCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers",
      defaultValue = PlatformConfig.DEFAULT_HOST + ":" + PlatformConfig.DEFAULT_KAFKA_PORT,
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;
  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "A Kafka client properties file (security.protocol, sasl.*, ssl.*) for the registry's own topic.")
  java.nio.file.Path kafkaConfig;
  @Option(names = "--secure-dir", paramLabel = "DIR", description = "Serve HTTPS with DIR's host certificate and "
      + "basic auth against DIR/credentials.properties; only the platform's writers may register schemas.")
  java.nio.file.Path secureDir;
  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name.")
  String topicPrefix;
  @Option(names = "--host", defaultValue = PlatformConfig.DEFAULT_HOST,
      description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;
  @Option(names = "--port", defaultValue = "" + PlatformConfig.DEFAULT_REGISTRY_PORT,
      description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StopSignals stop = StopSignals.install();
    try (SchemaRegistryServer registry = SchemaRegistryServer.start(
        (kafkaConfig == null ? ClientConfigFile.NONE : ClientConfigFile.load(kafkaConfig)).kafka(bootstrapServers),
        topicPrefix + SchemaRegistryServer.DEFAULT_TOPIC, host, port, secureDir == null ? null
            : PlatformSecurity.registryAccess(secureDir, host))) {
      spec.commandLine().getOut().printf("registry: %s, schemas in %s on %s%n", registry.url(),
          topicPrefix + SchemaRegistryServer.DEFAULT_TOPIC, bootstrapServers);
      spec.commandLine().getOut().flush();
      stop.await();
    }
    return 0;
  }
}
