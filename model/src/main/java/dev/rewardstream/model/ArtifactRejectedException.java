package dev.rewardstream.model;

/** A model artifact that must not be served: missing, corrupt (sha256 mismatch) or built for other features. */
public class ArtifactRejectedException extends Exception {

  public ArtifactRejectedException(String message) {
    super(message);
  }

  public ArtifactRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
