package dev.rewardstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temporary directories in memory (tmpfs) where the machine has one, for {@code TopologyTestDriver} state: the driver
 * commits after every piped record and writes each task's offset checkpoint with two fsyncs, which on a disk cost
 * milliseconds per record and most of a drift test's minute. On tmpfs an fsync is free; elsewhere the default
 * temporary directory is used and the tests only run slower.
 */
public final class RamTempDirFactory implements TempDirFactory {

  private static final Path TMPFS = Path.of("/dev/shm");

  @Override
  public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
      throws IOException {
    if (Files.isDirectory(TMPFS) && Files.isWritable(TMPFS)) {
      return Files.createTempDirectory(TMPFS, "rewardstream-test-");
    }
    return Files.createTempDirectory("rewardstream-test-");
  }
}
