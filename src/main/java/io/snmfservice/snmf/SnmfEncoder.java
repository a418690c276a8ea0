package io.snmfservice.snmf;

import java.util.Arrays;

/**
 * The SNMF encoder for tokens a factorization has not seen (docs/metrics.md, "The SNMF encoder"): with the features
 * F (d×K) fixed, the activations of new tokens A (d×n) get
 * <pre>
 *   G = argmin_{G ≥ 0} ‖A − F Gᵀ‖²_F
 * </pre>
 * reached by iterating the paper's G update — step 4 of every SNMF iteration, run here through the kernel's own
 * {@link TensorOps#multiplicativeUpdate} with no pending column scale —
 * <pre>
 *   G ← G ⊙ sqrt(([AᵀF]⁺ + G[FᵀF]⁻) / ([AᵀF]⁻ + G[FᵀF]⁺ + ε))
 * </pre>
 * to convergence. The problem is convex in G and each update does not increase the loss (Ding, Li &amp; Jordan 2010),
 * so the fixed point is the nonnegative least-squares solution. A multiplicative update cannot move an entry away
 * from 0, so G starts at the unconstrained least-squares solution AᵀF(FᵀF + εI)⁻¹ clamped to at least
 * {@code floor · max} (its largest entry times a small fraction); the iterations then shrink the entries that should
 * be 0 towards 0 geometrically. No column of G is rescaled: F keeps the scale it was stored with.
 */
public final class SnmfEncoder {

  /**
   * @param maxIterations most G updates
   * @param tolerance stop when the optimality conditions hold to {@code tolerance · max(G)} (see
   *     {@link #residual}), checked every {@value #CHECK_EVERY} updates
   * @param floor the starting floor as a fraction of the largest starting entry
   * @param eps ε of the update's denominator and of the starting solve (the engine's default 1e-6)
   */
  public record Settings(int maxIterations, double tolerance, double floor, double eps) {

    public Settings {
      if (maxIterations < 1 || !(tolerance > 0) || !(floor > 0) || !(eps > 0)) {
        throw new IllegalArgumentException("encoder settings need maxIterations ≥ 1 and tolerance, floor, eps > 0");
      }
    }

    /** 5000 updates at most, tolerance 1e-4, floor 1e-6, ε 1e-6. */
    public static Settings defaults() {
      return new Settings(5000, 1e-4, 1e-6, 1e-6);
    }
  }

  /**
   * @param g row-major n×K, every entry ≥ 0: row i holds token i's activation of each feature
   * @param iterations updates run
   * @param converged whether the tolerance was met before {@code maxIterations}
   * @param residual the last check's optimality residual relative to max(G) (see {@link SnmfEncoder#residual})
   */
  public record Result(float[] g, int n, int k, int iterations, boolean converged, double residual) {}

  /** Updates between convergence checks (a check costs an n×K×K product and two copies to the host). */
  private static final int CHECK_EVERY = 10;

  private SnmfEncoder() {}

  /**
   * Encodes n columns.
   *
   * @param f F column-major d×K (a factorization level's features as columns)
   * @param columns A column-major d×n (one column per token)
   */
  public static Result encode(TensorOps ops, double[] f, int d, int k, float[] columns, int n, Settings settings) {
    if (f.length != d * k || columns.length != (long) d * n) {
      throw new IllegalArgumentException("F needs d·K = " + d * k + " values and A d·n = " + (long) d * n
          + ", got " + f.length + " and " + columns.length);
    }
    double[] ftf = HostMatrices.gram(f, d, k);
    double[] ones = new double[k];
    Arrays.fill(ones, 1.0);
    double lipschitz = 0; // the largest diagonal entry of FᵀF scales the gradient into G's units
    for (int j = 0; j < k; j++) {
      lipschitz = Math.max(lipschitz, ftf[j + j * k]);
    }
    try (ChunkStep.Factor factor = ChunkStep.Factor.upload(ops, f, ftf, ones, d, k);
        DeviceTensor gram = ops.fromColumnMajor(ftf, k, k);
        DeviceTensor a = ops.fromColumnMajor(columns, d, n);
        DeviceTensor atf = ops.gemm(a, true, factor.f(), false)) {
      double[] atfHost = ops.toColumnMajorDouble(atf);
      DeviceTensor g = ops.fromColumnMajor(start(atfHost, n, ftf, k, settings), n, k);
      try {
        for (int it = 1; it <= settings.maxIterations(); it++) {
          DeviceTensor next = ops.multiplicativeUpdate(g, ones, atf, factor.ftfSplit(), settings.eps());
          g.close();
          g = next;
          if (it % CHECK_EVERY == 0 || it == settings.maxIterations()) {
            double[] current = ops.toColumnMajorDouble(g);
            double[] gradient;
            try (DeviceTensor product = ops.gemm(g, false, gram, false)) {
              gradient = ops.toColumnMajorDouble(product);
            }
            double relative = residual(current, gradient, atfHost, lipschitz)
                / Math.max(max(current), Double.MIN_NORMAL);
            boolean done = relative <= settings.tolerance();
            if (done || it == settings.maxIterations()) {
              return new Result(rowMajor(current, n, k), n, k, it, done, relative);
            }
          }
        }
      } finally {
        g.close();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /**
   * The largest entry of the natural residual of the NNLS optimality conditions, |G − max(0, G − ∇/L)| with
   * ∇ = G FᵀF − AᵀF: 0 exactly where ∇ = 0 for G &gt; 0 and ∇ ≥ 0 for G = 0.
   */
  private static double residual(double[] g, double[] gFtf, double[] atf, double lipschitz) {
    double max = 0;
    for (int i = 0; i < g.length; i++) {
      double step = g[i] - (gFtf[i] - atf[i]) / lipschitz;
      max = Math.max(max, Math.abs(g[i] - Math.max(0, step)));
    }
    return max;
  }

  /** max(AᵀF (FᵀF + εI)⁻¹, floor · its largest entry), column-major n×K. */
  private static double[] start(double[] atf, int n, double[] ftf, int k, Settings settings) {
    double[] g = HostMatrices.solveRight(atf, n, ftf, k, settings.eps());
    double lowest = Math.max(max(g), settings.eps()) * settings.floor();
    for (int i = 0; i < g.length; i++) {
      g[i] = Math.max(g[i], lowest);
    }
    return g;
  }

  private static double max(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static float[] rowMajor(double[] columnMajor, int n, int k) {
    float[] out = new float[n * k];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < n; i++) {
        out[i * k + j] = (float) columnMajor[i + j * n];
      }
    }
    return out;
  }
}
