package dev.rewardstream.serde;

import dev.rewardstream.schema.RecordRejectedException;

/** The record names a schema id the registry does not know. */
public class UnknownSchemaException extends RecordRejectedException {

  public UnknownSchemaException(int schemaId, Throwable cause) {
    super("unknown schema id " + schemaId, cause);
  }
}
