package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDevice;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Acceptance 1: 32 planted sparse mixed-sign directions are found again. */
@SlowTest
class SnmfPlantedFeaturesTest {

  private static PlantedFeatures planted() {
    SplittableRandom r = new SplittableRandom(2024);
    double[][] dirs = new double[32][];
    for (int f = 0; f < dirs.length; f++) {
      dirs[f] = PlantedFeatures.sparseDirection(r, 512, 10); // 2% of d = 512
    }
    // about 3 active features per token, 1% Gaussian noise
    return PlantedFeatures.generate(dirs, 20_000, 3.0 / 32, 0.01, 99);
  }

  @Test
  void recoversPlantedSparseDirectionsAndIsBitIdenticalForTheSameSeed() {
    PlantedFeatures p = planted();
    SnmfConfig cfg = SnmfConfig.of(32).withSparsity(0.02).withSeed(5).withMaxIterations(100)
        .withPatience(20).withChunkColumns(5000).withInit(SnmfInit.RANDOM);
    // the engine of the configured device and backend (ND4J here; DJL on CUDA under scripts/gpu-check.sh)
    SnmfEngine engine = TestDevice.snmfEngine();
    try (SnmfResult first = engine.factorize(p.source(), cfg);
        SnmfResult second = engine.factorize(p.source(), cfg)) {
      double cos = p.meanBestAbsCosine(first);
      System.out.printf("planted: mean best |cos| %.4f, relative error %.4f, best iteration %d of %d%n",
          cos, first.relativeError(), first.bestIteration(), first.iterations());
      assertThat(cos).isGreaterThanOrEqualTo(0.95);
      // the noise alone is 1% of the signal, so a good fit lands close to that
      assertThat(first.relativeError()).isBetween(0.005, 0.05);
      assertThat(second.f()).isEqualTo(first.f());
      assertThat(second.losses()).isEqualTo(first.losses());
      assertThat(second.g().readRows(0, 20_000)).isEqualTo(first.g().readRows(0, 20_000));
    }
  }
}
