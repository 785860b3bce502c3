package dev.rewardstream.model;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory the trainer publishes model artifacts to, and the only place a service reads one from. A version on
 * {@code model-updates} names its artifact by URI: without this bound, whoever can write that topic could make every
 * scorer read any file the scorer's user can (a digest published with it is no help, since the same writer publishes
 * the digest). Symbolic links are followed before the check, so a link inside the store cannot point out of it.
 */
public record ArtifactStore(Path root) {

  public ArtifactStore {
    root = root.toAbsolutePath().normalize();
  }

  public static ArtifactStore at(Path root) {
    return new ArtifactStore(root);
  }

  /**
   * The file {@code uri} names, once it is known to be inside the store.
   *
   * @throws ArtifactRejectedException when {@code uri} is not a {@code file:} URI of a file inside the store
   */
  public Path resolve(String uri) throws ArtifactRejectedException {
    Path path;
    try {
      URI parsed = URI.create(uri);
      if (!"file".equalsIgnoreCase(parsed.getScheme())) {
        throw new ArtifactRejectedException("artifact URI " + uri + " is not a file in the artifact store " + root);
      }
      path = Path.of(parsed).normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new ArtifactRejectedException("artifact URI " + uri + " is not a file in the artifact store " + root, e);
    }
    Path resolved = path;
    Path store = root;
    try {
      if (Files.exists(path)) {
        resolved = path.toRealPath();
      }
      if (Files.exists(root)) {
        store = root.toRealPath();
      }
    } catch (IOException e) {
      throw new ArtifactRejectedException("cannot resolve artifact " + uri + ": " + e, e);
    }
    if (!resolved.startsWith(store) || resolved.equals(store)) {
      throw new ArtifactRejectedException("artifact " + uri + " is outside the artifact store " + root
          + ": refused (only the trainer's artifact directory is read)");
    }
    return resolved;
  }
}
