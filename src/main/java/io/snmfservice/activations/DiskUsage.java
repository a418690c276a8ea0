package io.snmfservice.activations;

import io.snmfservice.activations.store.ShardManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Bytes that files and directories of the store take on disk (0 for what is missing). */
public final class DiskUsage {

  private DiskUsage() {}

  /** Bytes of a matrix file, or of a shard manifest and all its parts. */
  public static long ofMatrix(Path path) {
    if (path == null || !ShardManifest.isManifest(path) || !Files.exists(path)) {
      return of(path);
    }
    try {
      return of(path) + ShardManifest.read(path).files(path).stream().mapToLong(DiskUsage::of).sum();
    } catch (RuntimeException e) {
      return of(path); // a manifest being replaced
    }
  }

  public static long of(Path path) {
    if (path == null || !Files.exists(path)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(Files::isRegularFile).mapToLong(DiskUsage::size).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // files vanishing while counted
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
