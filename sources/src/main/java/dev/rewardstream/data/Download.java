package dev.rewardstream.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Downloads one file over HTTP(S) into a temporary file beside its destination, hashing it on the way, and moves it
 * into place only when its sha256 is the expected one: a partial or corrupted download never takes the file's name.
 */
public final class Download {

  /** The download finished but is not the expected file. */
  public static final class ChecksumMismatchException extends IOException {
    ChecksumMismatchException(String message) {
      super(message);
    }
  }

  private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(20)).build();
  private final Consumer<String> progress;
  private final long progressIntervalNanos;

  public Download(Consumer<String> progress, Duration progressInterval) {
    this.progress = progress;
    this.progressIntervalNanos = progressInterval.toNanos();
  }

  /** Fetches {@code url} to {@code destination}; returns the file's sha256 (equal to {@code expectedSha256}). */
  public String fetch(URI url, String expectedSha256, Path destination) throws IOException, InterruptedException {
    Path dir = destination.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, destination.getFileName().toString(), ".part");
    try {
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new IOException("GET " + url + " answered HTTP " + response.statusCode());
      }
      long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      MessageDigest sha256 = sha256();
      long received = 0;
      long lastReport = System.nanoTime();
      try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          sha256.update(buffer, 0, n);
          received += n;
          if (System.nanoTime() - lastReport >= progressIntervalNanos) {
            lastReport = System.nanoTime();
            progress.accept(describe(received, total));
          }
        }
      }
      progress.accept(describe(received, total));
      String actual = HexFormat.of().formatHex(sha256.digest());
      if (!actual.equalsIgnoreCase(expectedSha256)) {
        throw new ChecksumMismatchException("sha256 of " + url + " is " + actual + ", expected " + expectedSha256
            + ": not the published file (kept nothing)");
      }
      Files.move(partial, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return actual;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** The sha256 of a file already on disk, hex. */
  public static String sha256Of(Path file) throws IOException {
    MessageDigest sha256 = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha256.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static String describe(long received, long total) {
    return total > 0
        ? String.format(Locale.ROOT, "  %,d of %,d bytes (%.0f%%)", received, total, 100.0 * received / total)
        : String.format(Locale.ROOT, "  %,d bytes", received);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
