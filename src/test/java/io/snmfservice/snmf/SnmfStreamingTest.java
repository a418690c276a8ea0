package io.snmfservice.snmf;

import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 3: the streaming engine over a file gives the in-memory iterates. */
@SlowTest
class SnmfStreamingTest {

  @TempDir Path dir;

  private static PlantedFeatures data() {
    SplittableRandom r = new SplittableRandom(3);
    double[][] dirs = new double[12][];
    for (int f = 0; f < dirs.length; f++) {
      dirs[f] = PlantedFeatures.sparseDirection(r, 96, 8);
    }
    return PlantedFeatures.generate(dirs, 3000, 0.2, 0.01, 4);
  }

  private Path write(PlantedFeatures p, int chunkColumns) {
    Path file = dir.resolve("a.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, p.d, DType.FLOAT32, chunkColumns)) {
      // stream it in unevenly sized blocks, as a collection job would
      int written = 0;
      int block = 1;
      while (written < p.n) {
        int count = Math.min(block, p.n - written);
        w.appendColumns(java.util.Arrays.copyOfRange(p.columnMajor, written * p.d, (written + count) * p.d), count);
        written += count;
        block = block * 3 + 1;
      }
    }
    return file;
  }

  private static void assertClose(SnmfResult streamed, SnmfResult inMemory, double tolerance) {
    assertThat(streamed.losses()).hasSameSizeAs(inMemory.losses());
    assertThat(SnmfTestData.relativeMaxDifference(SnmfTestData.fRows(streamed), SnmfTestData.fRows(inMemory)))
        .isLessThanOrEqualTo(tolerance);
    assertThat(SnmfTestData.relativeMaxDifference(streamed.g().toArray(), inMemory.g().toArray()))
        .isLessThanOrEqualTo(tolerance);
  }

  @Test
  void streamingFromAFileWithGOnDiskEqualsTheInMemoryEngine() {
    PlantedFeatures p = data();
    SnmfConfig cfg = SnmfConfig.of(12).withSparsity(0.1).withSeed(8).withMaxIterations(40).withPatience(40)
        .withChunkColumns(700);
    try (ActivationFileReader reader = ActivationFileReader.open(write(p, 700));
        SnmfResult streamed = new SnmfEngine().factorize(ActivationSource.of(reader),
            cfg.withGSpillDirectory(dir.resolve("g")), SnmfProgressListener.NONE, CancellationSignal.NEVER);
        SnmfResult inMemory = new SnmfEngine().factorize(p.source(), cfg)) {
      assertClose(streamed, inMemory, 1e-4);
      assertThat(streamed.bestIteration()).isEqualTo(inMemory.bestIteration());
    }
  }

  /**
   * The file's float16 values are read one chunk ahead of the compute on another thread (through the page cache and
   * past it) and widened into the backend's buffer; the iterates must be exactly those of the same (widened) values
   * in memory, tail chunk included.
   */
  @Test
  void aFloat16FileReadAheadOfTheComputeGivesExactlyTheInMemoryIterates() {
    PlantedFeatures p = data();
    Path file = dir.resolve("half.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, p.d, DType.FLOAT16, 512)) {
      w.appendColumns(p.columnMajor, p.n);
    }
    SnmfConfig cfg = SnmfConfig.of(12).withSparsity(0.1).withSeed(8).withMaxIterations(25).withPatience(25)
        .withChunkColumns(700);
    for (SnmfInit init : new SnmfInit[] {SnmfInit.RANDOM, SnmfInit.SVD}) {
      long uncachedAbove = init == SnmfInit.RANDOM ? 0 : Long.MAX_VALUE;
      try (ActivationFileReader reader = ActivationFileReader.open(file, uncachedAbove);
          SnmfResult streamed = new SnmfEngine().factorize(ActivationSource.of(reader),
              cfg.withInit(init).withGSpillDirectory(dir.resolve("g")), SnmfProgressListener.NONE,
              CancellationSignal.NEVER);
          SnmfResult inMemory = new SnmfEngine().factorize(
              ActivationSource.ofColumnMajor(reader.readColumns(0, p.n), p.d, p.n), cfg.withInit(init))) {
        assertThat(streamed.losses()).containsExactly(inMemory.losses());
        assertThat(streamed.f()).containsExactly(inMemory.f());
        assertThat(streamed.g().toArray()).isDeepEqualTo(inMemory.g().toArray());
      }
    }
  }

  /** The reader thread's findings surface on the engine's thread, at the chunk they belong to; a cancel mid-pass stops. */
  @Test
  void aNanReadAheadIsReportedWithItsPlaceAndACancelMidPassStopsTheRun() {
    PlantedFeatures p = data();
    float[] values = p.columnMajor.clone();
    values[2100 * p.d + 5] = Float.NaN;
    Path file = dir.resolve("nan.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, p.d, DType.FLOAT16, 512)) {
      w.appendColumns(values, p.n);
    }
    SnmfConfig cfg = SnmfConfig.of(12).withMaxIterations(40).withPatience(40).withChunkColumns(700);
    try (ActivationFileReader reader = ActivationFileReader.open(file)) {
      assertThatThrownBy(() -> new SnmfEngine().factorize(ActivationSource.of(reader), cfg))
          .isInstanceOf(SnmfValidationException.class).hasMessageContaining("NaN at row 5, column 2100");
    }
    java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
    try (ActivationFileReader reader = ActivationFileReader.open(write(p, 700))) {
      // each pass polls once per chunk (5 chunks): the 13th poll is in the middle of iteration 2's pass
      assertThatThrownBy(() -> new SnmfEngine().factorize(ActivationSource.of(reader),
          cfg.withGSpillDirectory(dir.resolve("g")), SnmfProgressListener.NONE, () -> polls.incrementAndGet() > 12))
          .isInstanceOf(SnmfCancelledException.class).hasMessageContaining("after 1 iterations");
      assertThat(reader.readColumns(0, 3)).hasSize(3 * p.d); // the reader is still usable
    }
  }

  @Test
  void djlBackendStreamingFromAFileEqualsTheNd4jInMemoryEngine() {
    PlantedFeatures p = data();
    SnmfConfig cfg = SnmfConfig.of(12).withSparsity(0.1).withSeed(8).withMaxIterations(40).withPatience(40)
        .withChunkColumns(700);
    try (ActivationFileReader reader = ActivationFileReader.open(write(p, 700));
        SnmfResult streamed = new SnmfEngine(precision -> new DjlTensorOps(precision, TestDevice.get())).factorize(ActivationSource.of(reader), cfg,
            SnmfProgressListener.NONE, CancellationSignal.NEVER);
        SnmfResult inMemory = new SnmfEngine().factorize(p.source(), cfg)) {
      assertClose(streamed, inMemory, 1e-4);
    }
  }

  @Test
  void chunkingDoesNotChangeTheIterates() {
    PlantedFeatures p = data();
    SnmfConfig cfg = SnmfConfig.of(12).withSparsity(0.1).withSeed(8).withMaxIterations(40).withPatience(40);
    for (SnmfInit init : SnmfInit.values()) {
      try (SnmfResult oneChunk = new SnmfEngine().factorize(p.source(), cfg.withInit(init).withChunkColumns(p.n));
          SnmfResult manyChunks = new SnmfEngine().factorize(p.source(), cfg.withInit(init).withChunkColumns(333))) {
        assertClose(manyChunks, oneChunk, 1e-4);
      }
    }
  }
}
