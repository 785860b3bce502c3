package dev.rewardstream.testing;

import dev.rewardstream.platform.EmbeddedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A KRaft broker and the schema registry on free loopback ports, shared by a test class:
 * {@code @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();} starts them
 * before the first test and stops them, deleting their data, after the last. Tests that stop or crash the broker
 * themselves start their own {@link EmbeddedInfrastructure}.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

  private Path dataDir;
  private EmbeddedInfrastructure infrastructure;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("rewardstream-kafka-");
    infrastructure = EmbeddedInfrastructure.startOnFreePorts(dataDir);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (infrastructure != null) {
        infrastructure.close();
      }
    } finally {
      delete(dataDir);
    }
  }

  /** The running broker and registry. */
  public EmbeddedInfrastructure infra() {
    if (infrastructure == null) {
      throw new IllegalStateException("the broker starts before the first test: register the extension on a static "
          + "field");
    }
    return infrastructure;
  }

  private static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
