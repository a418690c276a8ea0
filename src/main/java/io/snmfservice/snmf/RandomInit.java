package io.snmfservice.snmf;

/**
 * The random G₀ (docs/architecture.md, SNMF): U(0,1) clamped at 1e-6, row by row from
 * {@code SplittableRandom(seed)}, so row r holds
 * draws r·K … r·K+K−1 of that stream. SplitMix64 (the generator behind SplittableRandom) can jump to any draw, so a
 * block of rows is drawn on its own — an engine chunk or a Spark partition — with the values of the sequential
 * stream (RandomInitTest checks them against SplittableRandom itself).
 */
public final class RandomInit {

  /** SplittableRandom's increment for a seeded instance. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private RandomInit() {}

  /** G₀'s rows [firstRow, firstRow+rows), column-major rows×K. */
  public static double[] block(long seed, long firstRow, int rows, int k) {
    double[] g = new double[rows * k];
    long state = seed + firstRow * k * GOLDEN_GAMMA;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < k; j++) {
        state += GOLDEN_GAMMA;
        double u = (mix64(state) >>> 11) * 0x1.0p-53;
        g[i + j * rows] = Math.max(u, 1e-6);
      }
    }
    return g;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
