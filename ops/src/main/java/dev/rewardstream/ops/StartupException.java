package dev.rewardstream.ops;

/**
 * A start that cannot go ahead for a reason the user can fix, said in one line: what is wrong and what to do. The
 * command prints the message alone (no stack trace) and exits non-zero.
 */
final class StartupException extends RuntimeException {

  StartupException(String message) {
    super(message);
  }

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
