package dev.rewardstream.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.serde.ConfluentAvroSerde;
import dev.rewardstream.serde.ConfluentRegistryClient;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.UnknownSchemaException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Confluent's own schema-registry client, over HTTP, against the embedded registry on a real broker. */
class SchemaRegistryServerTest {

  @TempDir Path dataDir;

  private static final Schema V1 = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
  private static final Schema V2_WITH_DEFAULT = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
          + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
  private static final Schema V2_WITHOUT_DEFAULT = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
          + "{\"name\":\"c\",\"type\":\"int\"}]}");

  @Test
  void shouldRegisterFetchAndKeepIdsAcrossARestartOfBrokerAndRegistry() throws Exception {
    int kafkaPort = FreePorts.next();
    int controllerPort = FreePorts.next();
    int id;
    int idV2;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, kafkaPort, controllerPort);
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(kafka.bootstrapServers(), SchemaRegistryServer.DEFAULT_TOPIC, "127.0.0.1", 0)) {
      ConfluentRegistryClient client = new ConfluentRegistryClient(registry.url());

      id = client.register("things-value", V1);
      assertThat(client.register("things-value", V1)).as("registering again is idempotent").isEqualTo(id);
      assertThat(client.schemaById(id)).isEqualTo(V1);
      idV2 = client.register("things-value", V2_WITH_DEFAULT);
      assertThat(idV2).isNotEqualTo(id);
      assertThat(client.register("other-value", V1)).as("same schema, same global id").isEqualTo(id);
      assertThatThrownBy(() -> client.register("things-value", V2_WITHOUT_DEFAULT))
          .hasMessageContaining("409")
          .hasMessageContaining("incompatible");
      assertThatThrownBy(() -> client.schemaById(9999)).isInstanceOf(UnknownSchemaException.class);
      assertThat(client.subjects()).containsExactlyInAnyOrder("things-value", "other-value");
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, kafkaPort, controllerPort);
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(kafka.bootstrapServers(), SchemaRegistryServer.DEFAULT_TOPIC, "127.0.0.1", 0)) {
      ConfluentRegistryClient fresh = new ConfluentRegistryClient(registry.url());

      assertThat(fresh.schemaById(id)).isEqualTo(V1);
      assertThat(fresh.schemaById(idV2)).isEqualTo(V2_WITH_DEFAULT);
      assertThat(fresh.register("things-value", V2_WITH_DEFAULT)).isEqualTo(idV2);
      assertThat(fresh.register("new-value", V2_WITHOUT_DEFAULT)).as("ids keep counting up").isGreaterThan(idV2);
    }
  }

  @Test
  void shouldRoundTripRecordsInTheConfluentWireFormatAndRejectBadBytes() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, FreePorts.next(), FreePorts.next());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(kafka.bootstrapServers(), SchemaRegistryServer.DEFAULT_TOPIC, "127.0.0.1", 0)) {
      ConfluentRegistryClient client = new ConfluentRegistryClient(registry.url());
      ConfluentAvroSerde<Interaction> serde =
          new ConfluentAvroSerde<>(Interaction.class, client, SerdeConfig.DEFAULT_MAX_RECORD_BYTES);
      Interaction interaction = Interaction.newBuilder()
          .setInteractionId("i-1").setAgentId("agent").setPolicyVersion("p1")
          .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setPrompt("hi").setResponse("hello").build();

      byte[] bytes = serde.encode("interactions", interaction);

      assertThat(bytes[0]).isZero();
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      assertThat(client.schemaById(id)).isEqualTo(Interaction.getClassSchema());
      assertThat(serde.decode("interactions", bytes)).isEqualTo(interaction);

      assertThatThrownBy(() -> serde.decode("interactions", "{\"json\":true}".getBytes()))
          .isInstanceOf(RecordRejectedException.class).hasMessageContaining("not Confluent wire format");
      byte[] unknownId = bytes.clone();
      ByteBuffer.wrap(unknownId, 1, 4).putInt(424242);
      assertThatThrownBy(() -> serde.decode("interactions", unknownId))
          .isInstanceOf(UnknownSchemaException.class).hasMessageContaining("424242");
      byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
      assertThatThrownBy(() -> serde.decode("interactions", truncated))
          .isInstanceOf(RecordRejectedException.class).hasMessageContaining("malformed Avro");
      ConfluentAvroSerde<Interaction> tiny = new ConfluentAvroSerde<>(Interaction.class, client, 16);
      assertThatThrownBy(() -> tiny.decode("interactions", bytes))
          .isInstanceOf(RecordRejectedException.class).hasMessageContaining("exceeds the limit");
    }
  }
}
