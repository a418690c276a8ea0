package io.snmfservice.snmf;

/**
 * The best iterate of a factorization A ≈ F·Gᵀ. Holds G in memory or scratch files: close it when
 * G has been read.
 *
 * @param d rows of A
 * @param k number of features
 * @param f F (d×K) column-major: feature j is f[j*d .. j*d+d)
 * @param g G (n×K, ≥ 0)
 * @param losses ‖A − FGᵀ‖²_F after each iteration (index 0 = iteration 1)
 * @param bestIteration 1-based iteration whose (F, G) is returned
 * @param relativeError ‖A − FGᵀ‖_F / ‖A‖_F at the best iteration
 */
public record SnmfResult(int d, int k, double[] f, GFactor g, double[] losses, int bestIteration,
    double relativeError, AutoCloseable resources) implements AutoCloseable {

  /** Number of iterations run. */
  public int iterations() {
    return losses.length;
  }

  /** Loss of the returned iterate. */
  public double bestLoss() {
    return losses[bestIteration - 1];
  }

  /** F as rows: F[i][j] is dimension i of feature j. */
  public float[][] fAsRows() {
    float[][] out = new float[d][k];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < d; i++) {
        out[i][j] = (float) f[j * d + i];
      }
    }
    return out;
  }

  /** Feature j's direction (column j of F). */
  public double[] feature(int j) {
    return java.util.Arrays.copyOfRange(f, j * d, j * d + d);
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not release G", e);
    }
  }
}
