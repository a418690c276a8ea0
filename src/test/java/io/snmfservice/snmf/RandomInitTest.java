package io.snmfservice.snmf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomInitTest {

  @Test
  void anyBlockOfRowsEqualsTheSequentialSplittableRandomStream() {
    int k = 7;
    int n = 1000;
    for (long seed : new long[] {0, 42, -3}) {
      SplittableRandom rng = new SplittableRandom(seed);
      double[][] rows = new double[n][k];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
          rows[i][j] = Math.max(rng.nextDouble(), 1e-6);
        }
      }
      for (int[] block : new int[][] {{0, n}, {0, 1}, {517, 100}, {999, 1}}) {
        double[] g = RandomInit.block(seed, block[0], block[1], k);
        for (int i = 0; i < block[1]; i++) {
          for (int j = 0; j < k; j++) {
            assertEquals(rows[block[0] + i][j], g[i + j * block[1]], 0.0, "seed " + seed + " row " + (block[0] + i));
          }
        }
      }
    }
  }
}
