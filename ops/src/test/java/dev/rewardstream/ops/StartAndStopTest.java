package dev.rewardstream.ops;

import dev.rewardstream.runtime.StartupChecks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewardctl up} as a user runs it: a start that cannot go ahead says why in one console line and exits
 * non-zero, with nothing started; a command's log goes where the user can find it. (A running platform stopped by
 * SIGTERM ending with status 0, no stack trace and its log in the data directory: {@link SecurePlatformTest}.)
 */
class StartAndStopTest {

  @TempDir Path dir;

  @Test
  void shouldNameTheTakenPortAndItsOptionInOneLineWhenAPortIsInUse() throws Exception {
    // Given another process's server on the port Kafka's controller would take
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();

      // When the platform is started on it
      RewardCtlProcess up = RewardCtlProcess.start(dir.resolve("run"), "up", "--data-dir",
          dir.resolve("data").toString(), "--kafka-port", String.valueOf(FreePorts.next()), "--controller-port",
          String.valueOf(port), "--registry-port", "0", "--scorer-http-port", "0", "--metrics-port", "0", "--flink-metrics-port", "0");

      // Then it exits non-zero with one line naming the port and the option to change
      assertThat(up.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(errorLines(up)).containsExactly("rewardctl up: port " + port + " on 127.0.0.1 is already in use "
          + "(--controller-port): another 'rewardctl up' or another server holds it; stop it, or choose another port "
          + "with --controller-port");
    }
  }

  @Test
  void shouldRefuseADataDirectoryHeldByAnotherProcessAndAnUnreadableDefaultsFile() throws Exception {
    // Given a data directory held by this process
    Path data = dir.resolve("data");
    try (StartupChecks.DataDirLock held = StartupChecks.lockDataDir(data)) {
      // When another process starts on it
      RewardCtlProcess up = RewardCtlProcess.start(dir.resolve("run"), "up", "--data-dir", data.toString(),
          "--kafka-port", "0", "--registry-port", "0", "--scorer-http-port", "0", "--metrics-port", "0", "--flink-metrics-port", "0");

      // Then it says which process holds it
      assertThat(up.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(errorLines(up)).containsExactly("rewardctl up: data directory " + data.toAbsolutePath()
          + " is in use by another process (pid " + ProcessHandle.current().pid() + "): stop it, or choose another "
          + "--data-dir");
    }

    // And a defaults file that cannot be read stops the command before it starts anything
    Path defaults = Files.writeString(dir.resolve("bad.properties"), "data-dir=\\u12G4\n");
    RewardCtlProcess withBadDefaults = RewardCtlProcess.start(dir.resolve("run2"),
        java.util.List.of("-Dpicocli.defaults.rewardctl.path=" + defaults), "up", "--data-dir",
        dir.resolve("data2").toString());
    assertThat(withBadDefaults.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
    assertThat(errorLines(withBadDefaults)).singleElement().asString()
        .startsWith("rewardctl: cannot read the defaults file " + defaults + ": ").endsWith("; fix or remove it");
    assertThat(dir.resolve("data2")).doesNotExist();
  }

  @Test
  void shouldLogCommandsWithoutADataDirectoryInTheUsersStateDirectoryUnlessRewardctlLogSaysElsewhere()
      throws Exception {
    // Given a command that fails (a download from a closed port) started without a log location
    String[] fetch = {"data", "fetch", "hh-rlhf", "--to", dir.resolve("to").toString(), "--url",
        "http://127.0.0.1:" + FreePorts.next() + "/test.jsonl.gz"};
    RewardCtlProcess failing = RewardCtlProcess.startWithDefaultLog(dir.resolve("run"),
        Map.of("HOME", dir.resolve("home").toString(), "XDG_STATE_HOME", ""), fetch);

    // Then its log is in the per-user state directory, which its error line names
    assertThat(failing.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
    Path log = dir.resolve("home/.local/state/rewardstream/logs/rewardctl.log");
    assertThat(log).content().contains("rewardctl data fetch failed");
    assertThat(failing.console()).contains("(details in " + log.toAbsolutePath() + ")");
    assertThat(dir.resolve("run/rewardctl.log")).doesNotExist();

    // And REWARDCTL_LOG overrides it, as XDG_STATE_HOME moves it
    Path chosen = dir.resolve("elsewhere/my.log");
    RewardCtlProcess overridden = RewardCtlProcess.startWithDefaultLog(dir.resolve("run2"),
        Map.of("HOME", dir.resolve("home2").toString(), "REWARDCTL_LOG", chosen.toString()), fetch);
    assertThat(overridden.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(chosen).content().contains("rewardctl data fetch failed");
    RewardCtlProcess moved = RewardCtlProcess.startWithDefaultLog(dir.resolve("run3"),
        Map.of("HOME", dir.resolve("home3").toString(), "XDG_STATE_HOME", dir.resolve("state").toString()), fetch);
    assertThat(moved.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(dir.resolve("state/rewardstream/logs/rewardctl.log")).content().contains("rewardctl data fetch failed");
    assertThat(dir.resolve("home2")).doesNotExist();
  }

  /** The console lines that are not the JVM's own notices. */
  private static java.util.List<String> errorLines(RewardCtlProcess process) throws Exception {
    return process.console().lines().filter(line -> !line.startsWith("WARNING: Using incubator modules")).toList();
  }
}
