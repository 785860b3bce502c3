package dev.rewardstream.ops;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code rewardctl} as its own process, as a user runs it: the test JVM's class path and JVM options (Flink's
 * add-opens, the vector module, DJL offline), its console captured in a file.
 */
final class RewardCtlProcess {

  private final Process process;
  private final Path console;

  private RewardCtlProcess(Process process, Path console) {
    this.process = process;
    this.console = console;
  }

  /** Starts {@code rewardctl ARGS}; its log goes to {@code dir/rewardctl.log}, its console to {@code dir/console}. */
  static RewardCtlProcess start(Path dir, String... args) throws IOException {
    return start(dir, List.of(), args);
  }

  /** As {@link #start(Path, String...)}, with more JVM options. */
  static RewardCtlProcess start(Path dir, List<String> jvmOptions, String... args) throws IOException {
    return start(dir, jvmOptions, true, Map.of(), args);
  }

  /**
   * As a user's shell starts it: working directory {@code dir}, the log wherever rewardctl chooses it (no log
   * property), {@code env} added to this process's environment; its console goes to {@code dir/console}.
   */
  static RewardCtlProcess startWithDefaultLog(Path dir, Map<String, String> env, String... args) throws IOException {
    return start(dir, List.of(), false, env, args);
  }

  private static RewardCtlProcess start(Path dir, List<String> jvmOptions, boolean logInDir, Map<String, String> env,
      String... args) throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(option -> option.startsWith("--add-") || option.startsWith("-Dai.djl")
            || option.startsWith("-DDJL") || option.startsWith("-Xmx"))
        .toList());
    command.addAll(jvmOptions);
    // The log configuration users get (a file), not the test class path's console logging.
    command.add("-Dlog4j2.configurationFile=log4j2.properties");
    if (logInDir) {
      command.add("-Drewardctl.log.file=" + dir.resolve("rewardctl.log"));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RewardCtl.class.getName());
    command.addAll(List.of(args));
    Path console = dir.resolve("console");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(console.toFile());
    builder.environment().remove("REWARDCTL_LOG");
    builder.environment().putAll(env);
    return new RewardCtlProcess(builder.start(), console);
  }

  Process process() {
    return process;
  }

  String console() throws IOException {
    return Files.readString(console);
  }

  /** Waits until the console shows {@code text}; false if the process ended or the time ran out first. */
  boolean awaitConsole(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (console().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        return console().contains(text);
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** SIGTERM, then the exit status (SIGKILL and -1 if it does not end within {@code timeout}). */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly().waitFor();
    return -1;
  }

  int waitFor(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly().waitFor();
    return -1;
  }
}
