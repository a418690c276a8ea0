package io.snmfservice.activations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Exclusive use of a collection directory by one attempt. A worker whose lease expired (a long pause, a lost
 * connection) keeps writing until its next progress report notices; the attempt that took the job over waits for it
 * here instead of writing the same files at the same time. The operating system releases the lock of a killed
 * process.
 */
final class CollectionLock implements AutoCloseable {

  static final String FILE = "lock";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final FileChannel channel;
  private final FileLock lock;

  private CollectionLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates the directory if needed and locks it, waiting a while for an earlier attempt to let go. */
  static CollectionLock acquire(Path directory) {
    try {
      Files.createDirectories(directory);
      FileChannel channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        FileLock lock = tryLock(channel);
        if (lock != null) {
          return new CollectionLock(channel, lock);
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new IllegalStateException("another attempt still writes " + directory + " after " + WAIT);
        }
        Thread.sleep(50);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + directory, e);
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by another thread of this process
    }
  }

  /** Deletes everything in the locked directory but the lock: leftovers of an attempt that cannot be resumed. */
  static void clear(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : entries.filter(p -> !p.getFileName().toString().equals(FILE)).toList()) {
        io.snmfservice.activations.store.StoreDirectory.deleteRecursively(entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (!channel.isOpen()) {
      return;
    }
    try (channel) {
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
