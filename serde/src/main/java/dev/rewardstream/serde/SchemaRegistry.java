package dev.rewardstream.serde;

import org.apache.avro.Schema;

/** What the serde needs from a Confluent-compatible schema registry, in plain Avro types. */
public interface SchemaRegistry {

  /**
   * Registers (or finds) {@code schema} under {@code subject} and returns its global id.
   *
   * @throws SchemaRegistryUnavailableException when the registry does not answer
   */
  int register(String subject, Schema schema);

  /**
   * The schema with this global id.
   *
   * @throws UnknownSchemaException when the registry has no such id
   * @throws SchemaRegistryUnavailableException when the registry does not answer
   */
  Schema schemaById(int id);

  /** Whether the registry answers requests now (an error response is an answer). */
  boolean answers();
}
