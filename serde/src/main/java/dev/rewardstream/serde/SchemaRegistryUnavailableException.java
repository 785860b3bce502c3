package dev.rewardstream.serde;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The registry did not answer. Unlike {@link UnknownSchemaException} this says nothing about the record: it is read the
 * same once the registry is back, so callers wait and retry instead of dead-lettering it.
 */
public class SchemaRegistryUnavailableException extends UncheckedIOException {

  public SchemaRegistryUnavailableException(String message, IOException cause) {
    super(message, cause);
  }

  /** Whether {@code error}, or any of its causes, is the registry not answering. */
  public static boolean isCauseOf(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SchemaRegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }
}
