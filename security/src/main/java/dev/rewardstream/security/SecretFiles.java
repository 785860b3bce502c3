package dev.rewardstream.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/** Files that hold secrets: readable by their owner only, written whole or not at all. */
public final class SecretFiles {

  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFiles() {}

  /** {@code bytes} random bytes, URL-safe Base64 without padding. */
  public static String randomToken(int bytes) {
    byte[] token = new byte[bytes];
    RANDOM.nextBytes(token);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /** The file's content, trimmed; created from {@code value} (owner-only) when absent. */
  public static String readOrCreate(Path file, Supplier<String> value) throws IOException {
    if (!Files.exists(file)) {
      write(file, value.get());
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  /** Replaces {@code file} atomically with {@code text}, owner-only. */
  public static void write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.writeString(partial, text, StandardCharsets.UTF_8);
      restrictFile(partial);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public static void restrictFile(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the file keeps its directory's ACL
    }
  }

  static void restrictDirectory(Path dir) throws IOException {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the directory keeps its parent's ACL
    }
  }
}
