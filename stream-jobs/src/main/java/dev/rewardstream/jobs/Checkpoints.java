package dev.rewardstream.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds retained checkpoints to resume the feature job from. */
public final class Checkpoints {

  private Checkpoints() {}

  /** The newest completed checkpoint (a chk-N directory holding its _metadata) below {@code checkpointDir}. */
  public static Optional<Path> latest(Path checkpointDir) {
    if (!Files.isDirectory(checkpointDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(checkpointDir, 3)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(Comparator.comparing(Checkpoints::completedAt));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileTime completedAt(Path checkpoint) {
    try {
      return Files.getLastModifiedTime(checkpoint.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
