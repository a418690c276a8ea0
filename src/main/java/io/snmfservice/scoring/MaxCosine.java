package io.snmfservice.scoring;

import io.snmfservice.snmf.DeviceTensor;
import io.snmfservice.snmf.TensorOps;

/**
 * SAEBench's weight statistic {@code average_max_*_cosine_sim}: for each of K directions, the largest cosine
 * similarity with any other of them, averaged over the K. Computed as blocks of U_bᵀ·U on the tensor engine (U: the
 * unit directions as columns), so a 24,576-latent SAE needs no K×K matrix in memory. A zero direction has cosine 0
 * with every other (SAEBench normalizes with a small epsilon, which gives the same).
 */
public final class MaxCosine {

  /** Directions compared against all K per GEMM. */
  static final int BLOCK = 256;

  private MaxCosine() {}

  /** The average max cosine of K ≥ 2 directions of equal width; NaN for fewer than two. */
  public static double average(TensorOps ops, float[][] directions) {
    int k = directions.length;
    if (k < 2) {
      return Double.NaN;
    }
    int d = directions[0].length;
    float[] unit = new float[Math.multiplyExact(k, d)]; // column-major d×K: column j is direction j over its norm
    for (int j = 0; j < k; j++) {
      if (directions[j].length != d) {
        throw new IllegalArgumentException("direction " + j + " has " + directions[j].length + " values, not " + d);
      }
      double norm = 0;
      for (float v : directions[j]) {
        norm += (double) v * v;
      }
      double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (int r = 0; r < d; r++) {
        unit[j * d + r] = (float) (directions[j][r] * scale);
      }
    }
    double sum = 0;
    try (DeviceTensor all = ops.fromColumnMajor(unit, d, k)) {
      for (int start = 0; start < k; start += BLOCK) {
        int b = Math.min(BLOCK, k - start);
        float[] block = java.util.Arrays.copyOfRange(unit, start * d, (start + b) * d);
        try (DeviceTensor columns = ops.fromColumnMajor(block, d, b);
            DeviceTensor cosines = ops.gemm(columns, true, all, false)) {
          double[] c = ops.toColumnMajorDouble(cosines); // b×K: c[i + j·b] = cos(direction start+i, direction j)
          for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
              if (j != start + i) {
                max = Math.max(max, c[i + j * b]);
              }
            }
            sum += max;
          }
        }
      }
    }
    return sum / k;
  }
}
