package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SNMF encoder (G for new columns, F fixed) against planted answers and the NNLS optimality conditions. */
class SnmfEncoderTest {

  private static final int D = 40;
  private static final int K = 6;
  private static final int N = 300;

  @Test
  void recoversThePlantedNonnegativeCodesOfExactColumns() {
    SplittableRandom random = new SplittableRandom(7);
    double[] f = gaussian(random, D * K);
    double[] planted = sparseNonnegative(random, N * K); // row-major n×K, about half zeros
    float[] a = columns(f, planted, null, random);
    try (TensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT64)) {
      SnmfEncoder.Result result = SnmfEncoder.encode(ops, f, D, K, a, N, SnmfEncoder.Settings.defaults());
      double maxError = 0;
      for (int i = 0; i < N * K; i++) {
        assertThat(result.g()[i]).isGreaterThanOrEqualTo(0f);
        maxError = Math.max(maxError, Math.abs(result.g()[i] - planted[i]));
      }
      assertThat(maxError).as("max |G − G_planted| (entries up to 2)").isLessThan(1e-4);
    }
  }

  @Test
  void noisyColumnsGetTheNonnegativeLeastSquaresCodes() {
    SplittableRandom random = new SplittableRandom(11);
    double[] f = gaussian(random, D * K);
    double[] planted = sparseNonnegative(random, N * K);
    float[] a = columns(f, planted, 0.3, random);
    try (TensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT64)) {
      SnmfEncoder.Result result = SnmfEncoder.encode(ops, f, D, K, a, N, SnmfEncoder.Settings.defaults());
      assertThat(result.converged()).as("converged within " + result.iterations() + " updates").isTrue();
      double maxError = 0;
      double max = 0;
      for (int i = 0; i < N; i++) {
        double[] reference = nnls(f, a, i);
        for (int k = 0; k < K; k++) {
          assertThat(result.g()[i * K + k]).isGreaterThanOrEqualTo(0f);
          maxError = Math.max(maxError, Math.abs(result.g()[i * K + k] - reference[k]));
          max = Math.max(max, reference[k]);
        }
      }
      assertThat(maxError / max).as("max |G − G_nnls| / max G").isLessThan(1e-3);
    }
  }

  /**
   * Independent reference: min_{g ≥ 0} ‖a_i − F g‖² by cyclic coordinate descent in double (each coordinate
   * minimised exactly, clamped at 0), run far past convergence.
   */
  private static double[] nnls(double[] f, float[] a, int column) {
    double[] g = new double[K];
    double[] residual = new double[D];
    for (int r = 0; r < D; r++) {
      residual[r] = a[r + column * D];
    }
    for (int sweep = 0; sweep < 20_000; sweep++) {
      for (int k = 0; k < K; k++) {
        double dot = 0;
        double norm = 0;
        for (int r = 0; r < D; r++) {
          dot += f[r + k * D] * residual[r];
          norm += f[r + k * D] * f[r + k * D];
        }
        double updated = Math.max(0, g[k] + dot / norm);
        for (int r = 0; r < D; r++) {
          residual[r] -= f[r + k * D] * (updated - g[k]);
        }
        g[k] = updated;
      }
    }
    return g;
  }

  private static double[] gaussian(SplittableRandom random, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble();
      double v = random.nextDouble();
      out[i] = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
    return out;
  }

  private static double[] sparseNonnegative(SplittableRandom random, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = random.nextDouble() < 0.5 ? 0 : 2 * random.nextDouble();
    }
    return out;
  }

  /** A = F Gᵀ (+ Gaussian noise of the given scale), column-major d×n. */
  private static float[] columns(double[] f, double[] g, Double noise, SplittableRandom random) {
    float[] a = new float[D * N];
    for (int i = 0; i < N; i++) {
      for (int r = 0; r < D; r++) {
        double v = 0;
        for (int k = 0; k < K; k++) {
          v += f[r + k * D] * g[i * K + k];
        }
        a[r + i * D] = (float) (noise == null ? v : v + noise * gaussian(random, 1)[0]);
      }
    }
    return a;
  }
}
