package dev.rewardstream.serde;

import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.ParsedSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;

/**
 * Confluent's own {@code CachedSchemaRegistryClient} (relocated), behind plain-Avro types: schemas cross the boundary as
 * JSON text, so no relocated Avro type leaks out of this class.
 */
public final class ConfluentRegistryClient implements SchemaRegistry {

  /** Confluent's error code for "schema not found". */
  private static final int SCHEMA_NOT_FOUND = 40403;

  private static final int IDENTITY_MAP_CAPACITY = 1000;

  private final CachedSchemaRegistryClient client;

  public ConfluentRegistryClient(String baseUrl) {
    this(baseUrl, Map.of());
  }

  public ConfluentRegistryClient(String baseUrl, Map<String, ?> clientConfig) {
    this.client = new CachedSchemaRegistryClient(baseUrl, IDENTITY_MAP_CAPACITY, clientConfig);
  }

  @Override
  public int register(String subject, Schema schema) {
    try {
      return client.register(subject, new AvroSchema(schema.toString()));
    } catch (IOException e) {
      throw new SchemaRegistryUnavailableException("schema registry unreachable while registering " + subject, e);
    } catch (RestClientException e) {
      throw new IllegalStateException("schema registry refused " + subject + ": " + describe(e), e);
    }
  }

  @Override
  public Schema schemaById(int id) {
    try {
      ParsedSchema parsed = client.getSchemaById(id);
      return new Schema.Parser().parse(parsed.canonicalString());
    } catch (IOException e) {
      throw new SchemaRegistryUnavailableException("schema registry unreachable while fetching id " + id, e);
    } catch (RestClientException e) {
      if (e.getErrorCode() == SCHEMA_NOT_FOUND || e.getStatus() == 404) {
        throw new UnknownSchemaException(id, e);
      }
      throw new IllegalStateException("schema registry failed on id " + id + ": " + describe(e), e);
    }
  }

  /** The registry's answer; for 401 and 403, which come without a body the client can parse, what they mean. */
  private static String describe(RestClientException e) {
    return switch (e.getStatus()) {
      case 401 -> "401 Unauthorized: the registry needs credentials and did not accept these (basic.auth.* or "
          + "bearer.auth.* in the --kafka-config file)";
      case 403 -> "403 Forbidden: these credentials may not do this (" + e.getMessage() + ")";
      default -> e.getErrorCode() + " " + e.getMessage();
    };
  }

  @Override
  public boolean answers() {
    try {
      client.getAllSubjects();
      return true;
    } catch (IOException e) {
      return false;
    } catch (RestClientException e) {
      return true;
    }
  }

  /** Subjects known to the registry, through Confluent's client; used by admin commands and tests. */
  public java.util.Collection<String> subjects() {
    try {
      return client.getAllSubjects();
    } catch (IOException | RestClientException e) {
      throw new IllegalStateException("cannot list subjects: " + e.getMessage(), e);
    }
  }
}
