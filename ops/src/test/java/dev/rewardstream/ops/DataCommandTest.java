package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.rewardstream.data.Download;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rewardctl data fetch} against a local HTTP server: progress, sha256 checked, nothing kept when it differs. */
class DataCommandTest {

  @TempDir Path dir;
  private HttpServer server;
  private byte[] served;
  private final AtomicInteger requests = new AtomicInteger();
  private final StringWriter console = new StringWriter();
  private final StringWriter errors = new StringWriter();

  @BeforeEach
  void serve() throws Exception {
    served = Files.readAllBytes(HhRlhfFixture.write(dir.resolve("served.jsonl.gz"), 2_000, 3));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/harmless-base/test.jsonl.gz", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, served.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(served);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void shouldDownloadCheckTheSha256AndSkipADownloadThatIsAlreadyThere() throws Exception {
    // Given the file's published sha256
    String sha256 = Download.sha256Of(dir.resolve("served.jsonl.gz"));
    Path to = dir.resolve("data");

    // When it is fetched twice
    int first = fetch("--to", to.toString(), "--url", url(), "--sha256", sha256);
    int second = fetch("--to", to.toString(), "--url", url(), "--sha256", sha256);

    // Then it is written once, byte for byte, with progress, and the second call only checks it
    assertThat(first).as(errors.toString()).isZero();
    assertThat(second).isZero();
    assertThat(to.resolve("harmless-base-test.jsonl.gz")).hasBinaryContent(served);
    assertThat(requests).hasValue(1);
    assertThat(console.toString()).contains(String.format("of %,d bytes (100%%)", served.length))
        .contains("written to " + to.resolve("harmless-base-test.jsonl.gz")).contains("already at");
    assertThat(to).isDirectoryNotContaining("glob:**.part");
  }

  @Test
  void shouldRefuseAFileWhoseSha256DiffersAndKeepNothing() throws Exception {
    // Given a wrong sha256
    Path to = dir.resolve("data");

    // When fetched
    int exit = fetch("--to", to.toString(), "--url", url(), "--sha256", "00".repeat(32));

    // Then it fails in one line and neither the file nor a partial download is left
    assertThat(exit).isNotZero();
    assertThat(errors.toString().strip()).startsWith("rewardctl data fetch: ").contains("expected " + "00".repeat(32))
        .doesNotContain("\n").doesNotContain("at dev.rewardstream");
    assertThat(to).isEmptyDirectory();
  }

  @Test
  void shouldNameAnUnknownDataSet() {
    assertThat(fetch("hh-rlhf-2", "--to", dir.toString())).isNotZero();
    assertThat(errors.toString()).contains("unknown data set 'hh-rlhf-2'").contains("hh-rlhf");
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/harmless-base/test.jsonl.gz";
  }

  private int fetch(String... options) {
    CommandLine cli = RewardCtl.commandLine();
    cli.setOut(new PrintWriter(console, true));
    cli.setErr(new PrintWriter(errors, true));
    String[] args = new String[options.length + (options[0].startsWith("-") ? 3 : 2)];
    args[0] = "data";
    args[1] = "fetch";
    int at = 2;
    if (options[0].startsWith("-")) {
      args[at++] = "hh-rlhf";
    }
    System.arraycopy(options, 0, args, at, options.length);
    return cli.execute(args);
  }
}
