package io.snmfservice.snmf;

import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDevice;
import static org.assertj.core.api.Assertions.assertThat;

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
