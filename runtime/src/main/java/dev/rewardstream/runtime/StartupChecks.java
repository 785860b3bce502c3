package dev.rewardstream.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the embedded platform checks before it starts anything, so that a failed start is one line naming the cause:
 * the ports it will bind and the data directory it will own.
 */
public final class StartupChecks {

  private StartupChecks() {}

  /**
   * Binds and releases {@code port} on {@code host}; a port taken by another process fails here, before anything has
   * started, with the option that sets it. Port 0 (any free port) needs no check.
   */
  static void requireFreePort(String host, int port, String option) {
    if (port <= 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new StartupException("port " + port + " on " + host + " is already in use (" + option + "): another "
          + "'rewardctl up' or another server holds it; stop it, or choose another port with " + option);
    }
  }

  /**
   * Takes the data directory for this process: an OS file lock on {@code DIR/.lock}, released when the process ends
   * however it ends, so a crashed run never leaves a stale lock. Two platforms on one data directory would corrupt
   * each other's broker log and checkpoints.
   */
  public static DataDirLock lockDataDir(Path dataDir) {
    Path file = dataDir.resolve(".lock");
    try {
      Files.createDirectories(dataDir);
      FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = readHolder(file);
        channel.close();
        throw new StartupException("data directory " + dataDir.toAbsolutePath() + " is in use by another process"
            + holder + ": stop it, or choose another --data-dir");
      }
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
          .getBytes(StandardCharsets.UTF_8)));
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      throw new StartupException("cannot use data directory " + dataDir.toAbsolutePath() + ": " + e.getMessage()
          + "; check its permissions, or choose another --data-dir", e);
    }
  }

  private static String readHolder(Path file) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      String pid = in.readLine();
      return pid == null || pid.isBlank() ? "" : " (pid " + pid.trim() + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /** The data directory held by this process until {@link #close()}. */
  public record DataDirLock(FileChannel channel, FileLock lock) implements AutoCloseable {
    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        // The process is ending or the directory is gone; the OS drops the lock with the channel anyway.
      }
    }
  }
}
