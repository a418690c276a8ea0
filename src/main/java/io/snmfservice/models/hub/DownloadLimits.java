package io.snmfservice.models.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Bounds on one snapshot download, checked against the sizes the hub announces before any file is fetched, so
 * a model that is too large, or would fill the cache volume, is refused with nothing written.
 *
 * @param maxDownloadBytes most bytes one snapshot may have (all its needed files together)
 * @param minFreeBytes free space the cache volume must keep after the download
 */
public record DownloadLimits(long maxDownloadBytes, long minFreeBytes) {

  /** No bounds (tools and tests that fetch small models). */
  public static final DownloadLimits NONE = new DownloadLimits(Long.MAX_VALUE, 0);

  public DownloadLimits {
    if (maxDownloadBytes <= 0 || minFreeBytes < 0) {
      throw new IllegalArgumentException("maxDownloadBytes must be positive and minFreeBytes not negative");
    }
  }

  /** One file (a sharded checkpoint's index, read before the shards are known) must fit on its own. */
  void checkFile(String what, long size) {
    if (size > maxDownloadBytes) {
      throw new HubDownloadTooLargeException(what + " has " + bytes(size) + ", more than the limit of "
          + bytes(maxDownloadBytes) + " (snmf.models.hub.max-download-bytes); nothing was downloaded");
    }
  }

  /**
   * Refuses a snapshot whose files exceed {@link #maxDownloadBytes}, or whose blobs not yet cached would leave
   * less than {@link #minFreeBytes} free on the cache volume.
   */
  void check(String what, Map<String, FileMetadata> files, HubCache cache, String repo) {
    long total = files.values().stream().mapToLong(FileMetadata::size).sum();
    if (total > maxDownloadBytes) {
      String sizes = files.entrySet().stream().map(e -> e.getKey() + " " + bytes(e.getValue().size()))
          .collect(Collectors.joining(", "));
      throw new HubDownloadTooLargeException(what + " has " + bytes(total) + " of files (" + sizes
          + "), more than the limit of " + bytes(maxDownloadBytes) + " (snmf.models.hub.max-download-bytes);"
          + " nothing was downloaded");
    }
    long missing = files.values().stream().filter(m -> !Files.isRegularFile(cache.blob(repo, m.etag())))
        .mapToLong(FileMetadata::size).sum();
    long free = usableSpace(cache.root());
    if (free - missing < minFreeBytes) {
      throw new HubInsufficientStorageException(what + " needs " + bytes(missing) + " in the hub cache "
          + cache.root() + " which has " + bytes(free) + " free; at least " + bytes(minFreeBytes)
          + " must stay free (snmf.models.hub.min-free-bytes); nothing was downloaded");
    }
  }

  /** Free space of the volume holding the cache (its nearest existing ancestor before the first download). */
  private static long usableSpace(Path dir) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      return Files.getFileStore(existing == null ? Path.of("").toAbsolutePath() : existing).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the free space of " + dir, e);
    }
  }

  private static String bytes(long n) {
    return String.format("%,d bytes", n);
  }
}
