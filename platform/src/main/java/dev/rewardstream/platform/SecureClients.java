package dev.rewardstream.platform;

import dev.rewardstream.security.Credentials;
import dev.rewardstream.security.SecurityMaterial;
import dev.rewardstream.serde.ClientConfigFile;
import dev.rewardstream.serde.KafkaConnection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a principal reaches a secured platform: SASL_SSL with its SCRAM password, trusting the platform's CA, and the
 * registry with basic auth over HTTPS. The client files {@code rewardctl up --secure} and {@code cluster up --secure}
 * hand out are these settings.
 */
public final class SecureClients {

  private SecureClients() {}

  public static KafkaConnection kafka(String bootstrapServers, SecurityMaterial tls, Credentials credentials,
      String principal) {
    return new KafkaConnection(bootstrapServers, Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + principal + "\" password=\"" + credentials.password(principal) + "\";",
        "ssl.truststore.type", "PKCS12",
        "ssl.truststore.location", tls.truststore().toString(),
        "ssl.truststore.password", tls.storePassword()));
  }

  public static Map<String, String> registrySettings(SecurityMaterial tls, Credentials credentials,
      String principal) {
    return Map.of(
        "basic.auth.credentials.source", "USER_INFO",
        "basic.auth.user.info", principal + ":" + credentials.password(principal),
        "schema.registry.ssl.truststore.type", "PKCS12",
        "schema.registry.ssl.truststore.location", tls.truststore().toString(),
        "schema.registry.ssl.truststore.password", tls.storePassword());
  }

  /** {@code DIR/client-PRINCIPAL.properties}: where {@link #writeClientFiles} puts a principal's file. */
  public static Path clientFile(Path dir, String principal) {
    return dir.resolve("client-" + principal + ".properties");
  }

  /**
   * Writes a client file for every principal of {@code credentials} into {@code dir}: a standard Kafka client
   * properties file with the registry's settings in it, as Confluent's tools write them. Returns them by principal.
   */
  public static Map<String, Path> writeClientFiles(Path dir, String bootstrapServers, String registryUrl,
      SecurityMaterial tls, Credentials credentials) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String principal : credentials.principals()) {
      Path file = clientFile(dir, principal);
      Map<String, String> settings = new LinkedHashMap<>(kafka(bootstrapServers, tls, credentials, principal)
          .settings());
      settings.putAll(registrySettings(tls, credentials, principal));
      ClientConfigFile.write(file, bootstrapServers, registryUrl, settings);
      files.put(principal, file);
    }
    return files;
  }
}
