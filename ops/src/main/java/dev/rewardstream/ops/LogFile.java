package dev.rewardstream.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where {@code rewardctl} writes its log, so that no command leaves a log in the directory it was started from.
 *
 * <p>In order: the system property {@value #PROPERTY} (set by whoever embeds the CLI), the environment variable
 * {@code REWARDCTL_LOG}, {@code <data-dir>/logs/rewardctl.log} for commands that keep their state in a data
 * directory ({@code up}, {@code demo}), else the per-user state directory of the XDG base-directory
 * specification, {@code $XDG_STATE_HOME/rewardstream/logs/rewardctl.log}
 * ({@code ~/.local/state/rewardstream/logs/rewardctl.log} by default).
 */
final class LogFile {

  static final String PROPERTY = "rewardctl.log.file";
  static final String ENV = "REWARDCTL_LOG";
  private static final String NAME = "rewardctl.log";

  private LogFile() {}

  static Path choose(String property, Map<String, String> env, Path dataDir) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    if (dataDir != null) {
      return dataDir.resolve("logs").resolve(NAME);
    }
    String stateHome = env.get("XDG_STATE_HOME");
    Path base = stateHome != null && !stateHome.isBlank() && Path.of(stateHome).isAbsolute()
        ? Path.of(stateHome)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state");
    return base.resolve("rewardstream").resolve("logs").resolve(NAME);
  }

  /**
   * Points the log at the file chosen for {@code command} before it runs: a command with a {@code --data-dir} logs
   * there. Loggers exist from class loading on, but the appender creates its file only on the first event
   * (createOnDemand), so reconfiguring here leaves nothing behind at the configuration's fallback path.
   */
  static void useFor(CommandSpec command) {
    OptionSpec dataDirOption = command.findOption("--data-dir");
    Path dataDir = dataDirOption == null ? null : dataDirOption.getValue();
    Path file = choose(System.getProperty(PROPERTY), System.getenv(), dataDir).toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log directory " + file.getParent(), e);
    }
    System.setProperty(PROPERTY, file.toString());
    Configurator.reconfigure();
  }

  /** Where the log of this process goes, once {@link #useFor} has chosen it. */
  static String current() {
    return System.getProperty(PROPERTY, "the log");
  }
}
