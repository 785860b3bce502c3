package dev.rewardstream.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The defaults file picocli reads for rewardctl's options. */
final class DefaultsFile {

  private DefaultsFile() {}

  /**
   * The defaults file picocli reads ({@code ~/.rewardctl.properties}, or the one the system property names): picocli
   * skips one it cannot read and carries on with built-in defaults, which would run a platform the user did not
   * configure. Returns the problem in one line, or null when the file is absent or readable.
   */
  static String problem() {
    String configured = System.getProperty("picocli.defaults.rewardctl.path");
    Path file = configured != null ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".rewardctl.properties");
    if (!Files.exists(file)) {
      return configured != null ? "defaults file " + file + " (picocli.defaults.rewardctl.path) does not exist" : null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      new Properties().load(in);
      return null;
    } catch (IOException | IllegalArgumentException e) {
      return "cannot read the defaults file " + file + ": " + e.getMessage() + "; fix or remove it";
    }
  }
}
