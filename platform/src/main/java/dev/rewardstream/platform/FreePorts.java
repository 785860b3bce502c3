package dev.rewardstream.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for tests and for "port 0" settings that must be known before a server starts.
 *
 * <p>A port is chosen below the kernel's ephemeral range, not with {@code new ServerSocket(0)}: a port from the
 * ephemeral range is free only until the next outgoing connection takes it as its local port, and a test with
 * hundreds of Kafka connections took the broker's port between this check and the broker's bind (a CI run failed so,
 * "fatal error while waiting for all of the SocketServer Acceptors"). Outgoing connections never use ports below that
 * range, so a port found free there stays free unless another listener takes it on purpose.
 */
public final class FreePorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 200;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  public static synchronized int next() {
    int ephemeralStart = ephemeralRangeStart();
    if (ephemeralStart - LOWEST >= 1_000) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
        if (!HANDED_OUT.contains(port) && bindable(port)) {
          HANDED_OUT.add(port);
          return port;
        }
      }
    }
    return anyEphemeral();
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Where the kernel's range starts; 0 where it cannot be read (not Linux), which leaves the ephemeral fallback. Read by
   * lines: {@code Files.readString} returned "3" for this procfs file of "32768\t60999" (JDK 17 here).
   */
  static int ephemeralRangeStart() {
    try {
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static int anyEphemeral() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
