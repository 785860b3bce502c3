package dev.rewardstream.platform;

/** A registry failure with its Confluent error code, whose first three digits are the HTTP status. */
final class RegistryError extends RuntimeException {

  final int code;

  RegistryError(int code, String message) {
    super(message);
    this.code = code;
  }

  int httpStatus() {
    return code >= 10000 ? code / 100 : code;
  }
}
