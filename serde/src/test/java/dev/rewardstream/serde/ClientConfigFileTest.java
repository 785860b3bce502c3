package dev.rewardstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigFileTest {

  private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
      + "username=\"producer\" password=\"p=w\\\\d\";";

  @TempDir Path dir;

  @Test
  void shouldReadBackWhatItWritesOwnerOnlyAndSplitKafkaFromRegistrySettings() throws Exception {
    // Given a file written for a principal, with characters properties files escape
    Path file = dir.resolve("client.properties");
    ClientConfigFile.write(file, "b1:9093,b2:9093", "https://registry:8081", Map.of(
        "security.protocol", "SASL_SSL", "sasl.jaas.config", JAAS, "ssl.truststore.location", "C:\\ca.p12",
        "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "producer:s3cret",
        "bearer.auth.token", "tok"));

    // When it is loaded
    ClientConfigFile loaded = ClientConfigFile.load(file);

    // Then every value comes back as written, each on its side
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(loaded.bootstrapServers()).hasValue("b1:9093,b2:9093");
    assertThat(loaded.registryUrl()).hasValue("https://registry:8081");
    assertThat(loaded.kafkaSettings()).containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SASL_SSL",
        "sasl.jaas.config", JAAS, "ssl.truststore.location", "C:\\ca.p12"));
    assertThat(loaded.registrySettings()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "producer:s3cret",
        "bearer.auth.token", "tok"));
  }

  @Test
  void shouldNeverShowASecretInWhatItPrints() {
    KafkaConnection kafka = new KafkaConnection("b:9093", Map.of("security.protocol", "SASL_SSL",
        "sasl.jaas.config", JAAS, "ssl.truststore.password", "storepw", "ssl.key.password", "keypw"));
    assertThat(kafka.toString()).contains("b:9093", "SASL_SSL", "sasl.jaas.config=[hidden]")
        .doesNotContain("p=w", "storepw", "keypw");
    SerdeConfig serde = SerdeConfig.of("https://r").withRegistrySettings(Map.of("basic.auth.user.info", "u:s3cret",
        "bearer.auth.token", "t0ken-value", "basic.auth.credentials.source", "USER_INFO"));
    assertThat(serde.toString()).contains("USER_INFO").doesNotContain("s3cret", "t0ken-value");
    assertThat(kafka.properties()).containsEntry("bootstrap.servers", "b:9093").containsEntry("sasl.jaas.config", JAAS);
  }

  @Test
  void shouldSayInOneLineWhatIsWrongWithAFileOrASetting() {
    assertThatThrownBy(() -> ClientConfigFile.load(dir.resolve("absent.properties")))
        .hasMessage("client config file " + dir.resolve("absent.properties") + " does not exist");
    assertThatThrownBy(() -> new KafkaConnection("b:9093", Map.of("bootstrap.servers", "other:9093")))
        .hasMessageContaining("bootstrap.servers belongs in bootstrapServers");
    assertThatThrownBy(() -> KafkaConnection.plaintext(" ")).hasMessage("Kafka bootstrap servers are required");
  }
}
