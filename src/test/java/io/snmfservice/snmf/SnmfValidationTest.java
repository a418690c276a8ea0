package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnmfValidationTest {

  private static float[] randomMatrix(int d, int n) {
    SplittableRandom r = new SplittableRandom(1);
    float[] a = new float[d * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  @Test
  void rejectsNanAndInfinityWithTheirPosition() {
    float[] a = randomMatrix(4, 10);
    a[7 * 4 + 2] = Float.NaN;
    assertThatThrownBy(() -> new SnmfEngine().factorize(ActivationSource.ofColumnMajor(a, 4, 10), SnmfConfig.of(2)))
        .isInstanceOf(SnmfValidationException.class).hasMessageContaining("NaN").hasMessageContaining("column 7");
    a[7 * 4 + 2] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> new SnmfEngine().factorize(ActivationSource.ofColumnMajor(a, 4, 10), SnmfConfig.of(2)))
        .isInstanceOf(SnmfValidationException.class).hasMessageContaining("Infinity");
  }

  @Test
  void rejectsKOutsideOneToMinDN() {
    ActivationSource a = ActivationSource.ofColumnMajor(randomMatrix(4, 10), 4, 10);
    assertThatThrownBy(() -> SnmfConfig.of(0)).isInstanceOf(SnmfValidationException.class).hasMessageContaining("k");
    assertThatThrownBy(() -> new SnmfEngine().factorize(a, SnmfConfig.of(5)))
        .isInstanceOf(SnmfValidationException.class).hasMessageContaining("min(d, n) = 4");
  }

  @Test
  void rejectsSparsityOutsideZeroToOne() {
    assertThatThrownBy(() -> SnmfConfig.of(2).withSparsity(0)).isInstanceOf(SnmfValidationException.class);
    assertThatThrownBy(() -> SnmfConfig.of(2).withSparsity(1.5)).isInstanceOf(SnmfValidationException.class);
    assertThatThrownBy(() -> SnmfConfig.of(2).withSparsity(Double.NaN)).isInstanceOf(SnmfValidationException.class);
    assertThat(SnmfConfig.of(2).withSparsity(1).keptPerColumn(40)).isEqualTo(40);
    assertThat(SnmfConfig.of(2).withSparsity(0.02).keptPerColumn(512)).isEqualTo(11);
  }

  @Test
  void rejectsEmptyAndAllZeroInput() {
    assertThatThrownBy(() -> new SnmfEngine().factorize(ActivationSource.ofColumnMajor(new float[0], 4, 0),
        SnmfConfig.of(1))).isInstanceOf(SnmfValidationException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> new SnmfEngine().factorize(ActivationSource.ofColumnMajor(new float[12], 3, 4),
        SnmfConfig.of(1))).isInstanceOf(SnmfValidationException.class).hasMessageContaining("zero");
  }

  @Test
  void reportsEveryIterationAndStopsWhenCancelled() {
    ActivationSource a = ActivationSource.ofColumnMajor(randomMatrix(8, 200), 8, 200);
    List<Double> seen = new ArrayList<>();
    AtomicInteger polls = new AtomicInteger();
    SnmfConfig cfg = SnmfConfig.of(3).withSparsity(1).withMaxIterations(50).withPatience(50).withChunkColumns(50);
    assertThatThrownBy(() -> new SnmfEngine().factorize(a, cfg, (it, loss) -> seen.add(loss),
        () -> seen.size() >= 5 && polls.incrementAndGet() > 2))
        .isInstanceOf(SnmfCancelledException.class).hasMessageContaining("after 5 iterations");
    assertThat(seen).hasSize(5);
  }

  @Test
  void stopsAfterPatienceIterationsWithoutImprovementAndReturnsTheBest() {
    ActivationSource a = ActivationSource.ofColumnMajor(randomMatrix(6, 100), 6, 100);
    SnmfConfig cfg = SnmfConfig.of(2).withSparsity(1).withMaxIterations(5000).withPatience(3);
    try (SnmfResult r = new SnmfEngine().factorize(a, cfg)) {
      double[] losses = r.losses();
      assertThat(r.iterations()).isLessThan(5000);
      assertThat(r.iterations() - r.bestIteration()).isEqualTo(3);
      for (int t = r.bestIteration(); t < losses.length; t++) {
        assertThat(losses[t]).isGreaterThanOrEqualTo(r.bestLoss() - 1e-4);
      }
      double normA2 = 0;
      for (float v : randomMatrix(6, 100)) {
        normA2 += (double) v * v;
      }
      assertThat(r.relativeError()).isCloseTo(Math.sqrt(r.bestLoss() / normA2), org.assertj.core.data.Offset.offset(1e-9));
      for (double[] row : r.g().toArray()) {
        for (double v : row) {
          assertThat(v).isGreaterThanOrEqualTo(0);
        }
      }
    }
  }
}
