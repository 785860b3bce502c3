package dev.rewardstream.schema;

/**
 * A record that cannot be processed because of its content, never because of the infrastructure. Stages route these to
 * the dead-letter topic and go on; anything else (a broker or registry outage) is rethrown so the stage retries.
 */
public class RecordRejectedException extends RuntimeException {

  public RecordRejectedException(String message) {
    super(message);
  }

  public RecordRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
