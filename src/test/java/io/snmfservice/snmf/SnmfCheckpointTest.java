package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A factorization stopped mid-run and started again from its last checkpoint ends with exactly the iterates of an
 * uninterrupted run: same losses, same F and G, same best iteration.
 */
class SnmfCheckpointTest {

  @TempDir Path dir;

  private static PlantedFeatures data() {
    SplittableRandom r = new SplittableRandom(5);
    double[][] dirs = new double[10][];
    for (int f = 0; f < dirs.length; f++) {
      dirs[f] = PlantedFeatures.sparseDirection(r, 64, 6);
    }
    return PlantedFeatures.generate(dirs, 2000, 0.2, 0.01, 6);
  }

  private static SnmfConfig config() {
    return SnmfConfig.of(10).withSparsity(0.2).withSeed(4).withMaxIterations(60).withPatience(60)
        .withChunkColumns(450);
  }

  /** Cancels the run after the given iteration, as a killed worker would stop it. */
  private static SnmfResult runUntilStopped(PlantedFeatures p, SnmfConfig cfg, SnmfCheckpoints checkpoints,
      int stopAfter) {
    AtomicInteger seen = new AtomicInteger();
    return new SnmfEngine().factorize(p.source(), cfg, (iteration, loss) -> seen.set(iteration),
        () -> seen.get() >= stopAfter, checkpoints);
  }

  private static void assertSameRun(SnmfResult resumed, SnmfResult uninterrupted) {
    assertThat(resumed.losses()).containsExactly(uninterrupted.losses());
    assertThat(resumed.bestIteration()).isEqualTo(uninterrupted.bestIteration());
    assertThat(SnmfTestData.relativeMaxDifference(SnmfTestData.fRows(resumed), SnmfTestData.fRows(uninterrupted)))
        .isLessThanOrEqualTo(1e-5);
    assertThat(SnmfTestData.relativeMaxDifference(resumed.g().toArray(), uninterrupted.g().toArray()))
        .isLessThanOrEqualTo(1e-5);
  }

  @Test
  void aRunStoppedAtIteration43ResumesFromItsIteration42SaveAndEqualsAnUninterruptedRun() {
    PlantedFeatures p = data();
    Path file = dir.resolve("level1.ckpt");
    assertThatThrownBy(() -> runUntilStopped(p, config(), SnmfCheckpoints.in(file, 7, Duration.ZERO), 43))
        .isInstanceOf(SnmfCancelledException.class);
    assertThat(file).exists();

    AtomicInteger firstIteration = new AtomicInteger();
    try (SnmfResult resumed = new SnmfEngine().factorize(p.source(), config(),
            (iteration, loss) -> firstIteration.compareAndSet(0, iteration), CancellationSignal.NEVER,
            SnmfCheckpoints.in(file, 7, Duration.ZERO));
        SnmfResult uninterrupted = new SnmfEngine().factorize(p.source(), config())) {
      assertThat(firstIteration.get()).as("the first iteration after the save of iteration 42").isEqualTo(43);
      assertSameRun(resumed, uninterrupted);
    }
  }

  @Test
  void aStreamingRunWithGOnDiskResumesToTheSameResult() {
    PlantedFeatures p = data();
    SnmfConfig cfg = config().withGSpillDirectory(dir.resolve("g"));
    Path file = dir.resolve("streaming.ckpt");
    assertThatThrownBy(() -> runUntilStopped(p, cfg, SnmfCheckpoints.in(file, 5, Duration.ZERO), 22))
        .isInstanceOf(SnmfCancelledException.class);
    try (SnmfResult resumed = new SnmfEngine().factorize(p.source(), cfg, SnmfProgressListener.NONE,
            CancellationSignal.NEVER, SnmfCheckpoints.in(file, 5, Duration.ZERO));
        SnmfResult uninterrupted = new SnmfEngine().factorize(p.source(), cfg)) {
      assertSameRun(resumed, uninterrupted);
    }
  }

  @Test
  void aSaveOfOtherSettingsIsNotResumed() {
    PlantedFeatures p = data();
    Path file = dir.resolve("other.ckpt");
    assertThatThrownBy(() -> runUntilStopped(p, config().withSeed(99), SnmfCheckpoints.in(file, 3, Duration.ZERO), 10))
        .isInstanceOf(SnmfCancelledException.class);
    AtomicInteger firstIteration = new AtomicInteger();
    try (SnmfResult fresh = new SnmfEngine().factorize(p.source(), config(),
            (iteration, loss) -> firstIteration.compareAndSet(0, iteration), CancellationSignal.NEVER,
            SnmfCheckpoints.in(file, 3, Duration.ZERO));
        SnmfResult uninterrupted = new SnmfEngine().factorize(p.source(), config())) {
      assertThat(firstIteration.get()).isEqualTo(1);
      assertSameRun(fresh, uninterrupted);
    }
  }

  @Test
  void aSaveIsReplacedAtomicallyAndDeletedOnRequest() throws Exception {
    PlantedFeatures p = data();
    Path file = dir.resolve("atomic.ckpt");
    SnmfCheckpoints checkpoints = SnmfCheckpoints.in(file, 2, Duration.ZERO);
    try (SnmfResult r = new SnmfEngine().factorize(p.source(), config().withMaxIterations(9).withPatience(9),
        SnmfProgressListener.NONE, CancellationSignal.NEVER, checkpoints)) {
      assertThat(r.iterations()).isEqualTo(9);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("atomic.ckpt");
    }
    checkpoints.delete();
    assertThat(file).doesNotExist();
  }
}
