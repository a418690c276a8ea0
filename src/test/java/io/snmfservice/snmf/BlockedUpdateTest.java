package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ND4J's blocked float32 G update and Gram matrix equal the formula computed directly in double. */
class BlockedUpdateTest {

  @Test
  void blockedUpdateAndGramMatchTheFormulaAcrossPartialBlocks() {
    int rows = 2 * Nd4jTensorOps.BLOCK_ROWS + 333; // two full blocks and a partial one
    int k = 7;
    SplittableRandom r = new SplittableRandom(5);
    double[] g = new double[rows * k];
    double[] p = new double[rows * k];
    double[] split = new double[k * 2 * k];
    double[] scale = new double[k];
    for (int i = 0; i < g.length; i++) {
      g[i] = r.nextDouble();
      p[i] = r.nextGaussian();
    }
    for (int i = 0; i < split.length; i++) {
      split[i] = r.nextDouble();
    }
    for (int j = 0; j < k; j++) {
      scale[j] = 0.5 + r.nextDouble();
    }
    double eps = 1e-6;
    float[] got;
    double[] gram;
    try (Nd4jTensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT32);
        Tensor tg = ops.fromColumnMajor(g, rows, k);
        Tensor tp = ops.fromColumnMajor(p, rows, k);
        Tensor ts = ops.fromColumnMajor(split, k, 2 * k)) {
      TensorOps.Updated u = ops.updateAndGram(tg, scale, tp, ts, eps);
      try (Tensor out = u.g()) {
        got = ops.toColumnMajorFloat(out);
      }
      gram = u.gram();
      try (Tensor plain = ops.multiplicativeUpdate(tg, scale, tp, ts, eps)) {
        assertThat(ops.toColumnMajorFloat(plain)).containsExactly(got);
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
        double x = (float) p[i + j * rows];
        double num = Math.max(x, 0) + gn;
        double den = Math.max(-x, 0) + gp + eps;
        expected[i + j * rows] = (float) g[i + j * rows] * scale[j] * Math.sqrt(num / den);
      }
    }
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) got[i]).as("entry " + i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(
          1e-5 * Math.max(1, Math.abs(expected[i]))));
    }
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double s = 0;
        for (int i = 0; i < rows; i++) {
          s += (double) got[i + a * rows] * got[i + b * rows];
        }
        assertThat(gram[a + b * k]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-5 * Math.abs(s)));
      }
    }
  }
}
