package dev.rewardstream.runtime;

/**
 * A start that cannot go ahead for a reason the user can fix, said in one line: what is wrong and what to do. The
 * command prints the message alone (no stack trace) and exits non-zero.
 */
public final class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
