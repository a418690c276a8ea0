package io.snmfservice.snmf;

/**
 * One level of a hierarchical factorization.
 *
 * @param k number of features at this level
 * @param d dimension of each feature
 * @param f features (d×k column-major): feature j is f[j*d .. j*d+d)
 * @param relativeError ‖X − F Gᵀ‖_F / ‖X‖_F of this level's own factorization (X = A for level 1,
 *     the previous level's F above it)
 */
public record HierarchyLevel(int k, int d, double[] f, double relativeError) {

  /** Feature j's direction. */
  public double[] feature(int j) {
    return java.util.Arrays.copyOfRange(f, j * d, j * d + d);
  }
}
