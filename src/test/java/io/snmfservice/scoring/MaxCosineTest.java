package io.snmfservice.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.TensorOps;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The average max cosine against directions with known angles and against a pairwise loop over every pair. */
class MaxCosineTest {

  @Test
  void knownAnglesGiveTheirCosines() {
    float s = (float) Math.sqrt(0.5);
    float[][] directions = {{1, 0}, {0, 3}, {s * 2, s * 2}, {-1, 0}};
    // (1,0): best is the 45° direction (0.7071); (0,3): the same; 45°: 0.7071; (−1,0): (0,3) at 90° → 0
    try (TensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT64)) {
      assertThat(MaxCosine.average(ops, directions)).isCloseTo((3 * Math.sqrt(0.5) + 0) / 4, within(1e-7));
    }
  }

  @Test
  void blocksAgreeWithEveryPairComparedDirectly() {
    Random random = new Random(7);
    int k = MaxCosine.BLOCK * 2 + 37; // three blocks, the last one short
    int d = 16;
    float[][] directions = new float[k][d];
    for (float[] row : directions) {
      for (int i = 0; i < d; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    directions[5] = new float[d]; // a zero direction: cosine 0 with every other
    directions[9] = directions[3].clone(); // a duplicate: max cosine 1 for both
    double expected = 0;
    for (int a = 0; a < k; a++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int b = 0; b < k; b++) {
        if (a != b) {
          max = Math.max(max, cosine(directions[a], directions[b]));
        }
      }
      expected += max;
    }
    expected /= k;
    try (TensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT64)) {
      assertThat(MaxCosine.average(ops, directions)).isCloseTo(expected, within(1e-6));
      assertThat(MaxCosine.average(ops, new float[][] {{1, 2}})).isNaN();
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
