package dev.rewardstream.serde;

import org.apache.avro.Schema;

/** What the serde needs from a Confluent-compatible schema registry, in plain Avro types. */
public interface SchemaRegistry {

  /** Registers (or finds) {@code schema} under {@code subject} and returns its global id. */
  int register(String subject, Schema schema);

  /**
   * The schema with this global id.
   *
   * @throws UnknownSchemaException when the registry has no such id
   */
  Schema schemaById(int id);
}
