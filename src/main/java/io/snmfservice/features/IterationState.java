package io.snmfservice.features;

import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.snmf.SnmfCheckpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * A factorization job's saved iteration state in the store ({@code job-N-state/}): the SNMF checkpoint of level 1
 * and the chunk size the attempt that wrote it chose, so that a later attempt of the same job resumes it exactly.
 * Removed once the job's results are stored or the job ends for good.
 */
final class IterationState {

  private final Path dir;

  IterationState(Path dir) {
    this.dir = dir;
  }

  SnmfCheckpoints checkpoints(int everyIterations, Duration every) {
    return SnmfCheckpoints.in(dir.resolve("level1.ckpt"), everyIterations, every);
  }

  /** The chunk size of an earlier attempt when one saved a checkpoint; else {@code choose}'s, remembered. */
  int chunkColumns(IntSupplier choose) {
    Path file = dir.resolve("chunk-columns");
    try {
      if (Files.exists(file) && Files.exists(dir.resolve("level1.ckpt"))) {
        return Integer.parseInt(Files.readString(file).strip());
      }
      int chosen = choose.getAsInt();
      Files.createDirectories(dir);
      Path tmp = dir.resolve("chunk-columns.partial");
      Files.writeString(tmp, Integer.toString(chosen));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return chosen;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("could not keep the chunk size of the job's checkpoint in " + dir, e);
    }
  }

  void delete() {
    try {
      StoreDirectory.deleteRecursively(dir);
    } catch (UncheckedIOException e) {
      // FactorizationScratchSweeper removes it later
    }
  }
}
