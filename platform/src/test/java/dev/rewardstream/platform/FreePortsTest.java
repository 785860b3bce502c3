package dev.rewardstream.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void shouldHandOutDistinctBindablePortsThatNoOutgoingConnectionCanTake() throws IOException {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    Assumptions.assumeTrue(Files.isReadable(range), "skipped: no Linux ephemeral port range to stay out of");
    int ephemeralStart = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    Assumptions.assumeTrue(ephemeralStart >= 11_000, "skipped: the ephemeral range starts too low to stay below it");
    assertThat(FreePorts.ephemeralRangeStart()).isEqualTo(ephemeralStart);

    // Hundreds of outgoing connections, as a test with many Kafka clients makes, while ports are handed out.
    List<Socket> outgoing = new ArrayList<>();
    Set<Integer> ports = new HashSet<>();
    try (ServerSocket target = new ServerSocket(0, 500, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 200; i++) {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), target.getLocalPort());
        outgoing.add(client);
        outgoing.add(target.accept());
        assertThat(client.getLocalPort()).isGreaterThanOrEqualTo(ephemeralStart);
        ports.add(FreePorts.next());
      }
      assertThat(ports).hasSize(200).allMatch(port -> port < ephemeralStart);
      for (int port : ports) {
        try (ServerSocket server = new ServerSocket()) {
          server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
      }
    } finally {
      for (Socket socket : outgoing) {
        socket.close();
      }
    }
  }
}
