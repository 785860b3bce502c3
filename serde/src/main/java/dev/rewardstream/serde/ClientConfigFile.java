package dev.rewardstream.serde;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A client properties file as Kafka's and Confluent's tools write them: Kafka client settings ({@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}) and, in the same file, the schema registry client's ({@code schema.registry.url},
 * {@code basic.auth.*}, {@code bearer.auth.*}, {@code schema.registry.ssl.*}). One file per principal configures every
 * client a process opens.
 *
 * @param bootstrapServers the file's {@code bootstrap.servers}, if it names them
 * @param registryUrl the file's {@code schema.registry.url}, if it names one
 * @param kafkaSettings every other Kafka client setting
 * @param registrySettings the registry client's settings
 */
public record ClientConfigFile(Optional<String> bootstrapServers, Optional<String> registryUrl,
    Map<String, String> kafkaSettings, Map<String, String> registrySettings) {

  /** No file: a plaintext cluster and an open registry. */
  public static final ClientConfigFile NONE = new ClientConfigFile(Optional.empty(), Optional.empty(), Map.of(),
      Map.of());

  private static final String BOOTSTRAP = "bootstrap.servers";
  private static final String REGISTRY_URL = "schema.registry.url";

  public ClientConfigFile {
    kafkaSettings = Map.copyOf(kafkaSettings);
    registrySettings = Map.copyOf(registrySettings);
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException in one line naming the file, when it is missing or unreadable
   */
  public static ClientConfigFile load(Path file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("client config file " + file + " does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("client config file " + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> kafka = new HashMap<>();
    Map<String, String> registry = new HashMap<>();
    for (String key : props.stringPropertyNames()) {
      String value = props.getProperty(key).trim();
      if (key.equals(BOOTSTRAP) || key.equals(REGISTRY_URL)) {
        continue;
      }
      (isRegistrySetting(key) ? registry : kafka).put(key, value);
    }
    return new ClientConfigFile(Optional.ofNullable(props.getProperty(BOOTSTRAP)).map(String::trim),
        Optional.ofNullable(props.getProperty(REGISTRY_URL)).map(String::trim), kafka, registry);
  }

  /** The registry client's keys, as Confluent's {@code SchemaRegistryClientConfig} names them. */
  static boolean isRegistrySetting(String key) {
    return key.startsWith("schema.registry.") || key.startsWith("basic.auth.") || key.startsWith("bearer.auth.");
  }

  /** The cluster at {@code bootstrapServers} with this file's Kafka settings. */
  public KafkaConnection kafka(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, kafkaSettings);
  }

  /** {@code serde} with this file's registry settings. */
  public SerdeConfig applyTo(SerdeConfig serde) {
    return serde.withRegistrySettings(registrySettings);
  }

  /** Writes a file {@link #load} reads back; owner-only permissions where the file system has them (it holds secrets). */
  public static void write(Path file, String bootstrapServers, String registryUrl, Map<String, String> settings) {
    StringBuilder text = new StringBuilder("# written by rewardstream; pass it with --kafka-config\n");
    text.append(BOOTSTRAP).append('=').append(bootstrapServers).append('\n');
    text.append(REGISTRY_URL).append('=').append(registryUrl).append('\n');
    new java.util.TreeMap<>(settings).forEach((key, value) -> text.append(key).append('=')
        .append(value.replace("\\", "\\\\")).append('\n'));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the file keeps its directory's ACL
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
