package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ND4J's blocked float32 chunk step equals the formulas computed directly in double. */
class BlockedUpdateTest {

  private final SplittableRandom r = new SplittableRandom(5);

  @Test
  void fusedChunkStepMatchesTheFormulasAcrossPartialBlocks() {
    int rows = 2 * Nd4jTensorOps.BLOCK_ROWS + 333; // two full blocks and a partial one
    int k = 7;
    int d = 19;
    double[] a = gaussian(d * rows);
    double[] f = gaussian(d * k);
    double[] g = uniform(rows * k);
    double[] split = uniform(k * 2 * k);
    double[] scale = new double[k];
    for (int j = 0; j < k; j++) {
      scale[j] = 0.5 + r.nextDouble();
    }
    double eps = 1e-6;
    float[] got;
    TensorOps.ChunkUpdate u;
    try (Nd4jTensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT32);
        DeviceTensor ta = ops.fromColumnMajor(a, d, rows);
        DeviceTensor tf = ops.fromColumnMajor(f, d, k);
        DeviceTensor tg = ops.fromColumnMajor(g, rows, k);
        DeviceTensor ts = ops.fromColumnMajor(split, k, 2 * k)) {
      u = ops.chunkUpdate(ta, tf, tg, scale, ts, eps);
      try (DeviceTensor out = u.g()) {
        got = ops.toColumnMajorFloat(out);
      }
      // the blocked update on a whole-chunk AᵀF (GEMMs of other shapes: last bits may differ)
      try (DeviceTensor atf = ops.gemm(ta, true, tf, false);
          DeviceTensor plain = ops.multiplicativeUpdate(tg, scale, atf, ts, eps)) {
        float[] unfused = ops.toColumnMajorFloat(plain);
        for (int i = 0; i < got.length; i++) {
          assertThat(unfused[i]).as("entry " + i).isCloseTo(got[i], offset(1e-5f * Math.max(1, Math.abs(got[i]))));
        }
      }
    }
    double[] expected = new double[rows * k];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < k; j++) {
        double gp = 0;
        double gn = 0;
        for (int q = 0; q < k; q++) {
          gp += (float) g[i + q * rows] * (float) split[q + j * k];
          gn += (float) g[i + q * rows] * (float) split[q + (k + j) * k];
        }
        double x = 0;
        for (int c = 0; c < d; c++) {
          x += (float) a[c + i * d] * (float) f[c + j * d];
        }
        double num = Math.max(x, 0) + gn;
        double den = Math.max(-x, 0) + gp + eps;
        expected[i + j * rows] = (float) g[i + j * rows] * scale[j] * Math.sqrt(num / den);
      }
    }
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) got[i]).as("entry " + i)
          .isCloseTo(expected[i], offset(1e-4 * Math.max(1, Math.abs(expected[i]))));
    }
    for (int p = 0; p < k; p++) {
      for (int q = 0; q < k; q++) {
        double s = 0;
        for (int i = 0; i < rows; i++) {
          s += (double) got[i + p * rows] * got[i + q * rows];
        }
        assertThat(u.gram()[p + q * k]).isCloseTo(s, offset(1e-5 * Math.abs(s)));
      }
    }
    for (int c = 0; c < d; c++) {
      for (int j = 0; j < k; j++) {
        double s = 0;
        double scaleOfSum = 0;
        for (int i = 0; i < rows; i++) {
          s += (float) a[c + i * d] * (double) got[i + j * rows];
          scaleOfSum += Math.abs((float) a[c + i * d] * (double) got[i + j * rows]);
        }
        assertThat(u.ag()[c + j * d]).as("A·G' " + c + "," + j).isCloseTo(s, offset(1e-5 * scaleOfSum));
      }
    }
  }

  private double[] gaussian(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }

  private double[] uniform(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble();
    }
    return x;
  }
}
