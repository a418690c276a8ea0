package io.snmfservice.activations;

import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Room in the activation store: the operator's limit {@code snmf.activations.max-store-size}, checked before each
 * batch of activations is written, and a full file system (ENOSPC, disk quota) recognized when a write hits it.
 * Both become a {@link StoreFullException}; the last one is kept for the store's health details.
 */
@Component
public class StoreSpace {

  /** When and why the store last ran out of room. */
  public record Shortage(Instant at, String detail) {}

  /** How old a walk of the store {@link #ensureRoomFor} may build on. */
  static final Duration REMEASURE = Duration.ofSeconds(5);

  private final Path store;
  private final long maxBytes;
  private volatile Shortage last;
  /** The last walk of the store, when it was taken, and the bytes let through since (guarded by this). */
  private long measured;
  private long measuredAt;
  private long letThrough;

  @Autowired
  StoreSpace(SnmfProperties properties, ActivationStoreProperties store) {
    this(properties.activationsDir(), store.maxStoreSize().toBytes());
  }

  StoreSpace(Path store, long maxBytes) {
    this.store = store;
    this.maxBytes = maxBytes;
  }

  /** The configured limit in bytes; 0 when only the file system limits the store. */
  public long maxBytes() {
    return maxBytes;
  }

  public Optional<Shortage> lastShortage() {
    return Optional.ofNullable(last);
  }

  /**
   * Throws {@link StoreFullException} if {@code bytes} more would take the store over its limit. The store is walked
   * at most every {@link #REMEASURE} (a large store has many files, and this runs before every batch); in between, the
   * bytes let through are added to the last walk. A refusal is always decided on a fresh walk, so space freed
   * meanwhile counts.
   */
  synchronized void ensureRoomFor(long bytes) {
    if (maxBytes <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (measuredAt == 0 || now - measuredAt > REMEASURE.toNanos() || measured + letThrough + bytes > maxBytes) {
      measured = DiskUsage.of(store);
      letThrough = 0;
      measuredAt = now;
    }
    long used = measured + letThrough;
    if (used + bytes > maxBytes) {
      throw shortage(String.format("the activation store is full: %,d more bytes would exceed"
          + " snmf.activations.max-store-size of %,d bytes (%,d bytes used); delete activation sets or raise the"
          + " limit", bytes, maxBytes, used));
    }
    letThrough += bytes;
  }

  /** What to throw for an I/O error while writing to the store: a clear shortage when the device is full. */
  RuntimeException writeFailed(IOException e) {
    if (isNoSpace(e)) {
      return shortage("no space left on the device of the activation store (" + store + "): " + e.getMessage()
          + "; free space or delete activation sets");
    }
    return new UncheckedIOException(e);
  }

  private StoreFullException shortage(String detail) {
    last = new Shortage(Instant.now(), detail);
    return new StoreFullException(detail);
  }

  /** Whether {@code e} or a cause is the operating system's "no space left on device" or "disk quota exceeded". */
  public static boolean isNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (t instanceof IOException && message != null
          && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }
}
