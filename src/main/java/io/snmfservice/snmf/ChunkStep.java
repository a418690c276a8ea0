package io.snmfservice.snmf;

/**
 * One chunk of an SNMF iteration as a pure function (docs/architecture.md, SNMF):
 * (F, FᵀF, s, A_c, G_c) → (G_c', A_c·G_c', G_c'ᵀ·G_c'), where s is the column scale of the
 * rescale step still pending on the stored G_c (G̃_c = G_c·diag(s)). An iteration is a fold of this step over the
 * chunks of A, summing the d×K and K×K outputs; the same step serves the in-memory case (one or
 * more chunks of a matrix in memory), the streaming case and the Spark executors (snmf-spark), so all give the
 * same iterates.
 */
public final class ChunkStep {

  private ChunkStep() {}

  /**
   * F on the device with the split Gram matrix, rows scaled by the pending G column scale s:
   * diag(s)·[[FᵀF]⁺ | [FᵀF]⁻] (K×2K, prepared once per pass), so that G·diag(s)[FᵀF]^± = G̃·[FᵀF]^±.
   */
  public record Factor(DeviceTensor f, double[] scale, DeviceTensor ftfSplit) implements AutoCloseable {

    public static Factor upload(TensorOps ops, double[] f, double[] ftf, double[] scale, int d, int k) {
      double[] pos = HostMatrices.positivePart(ftf);
      double[] neg = HostMatrices.negativePart(ftf);
      double[] split = new double[2 * k * k];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i < k; i++) {
          split[i + j * k] = pos[i + j * k] * scale[i];
          split[i + (k + j) * k] = neg[i + j * k] * scale[i];
        }
      }
      return new Factor(ops.fromColumnMajor(f, d, k), scale.clone(), ops.fromColumnMajor(split, k, 2 * k));
    }

    @Override
    public void close() {
      f.close();
      ftfSplit.close();
    }
  }

  /** The new G block (owned by the caller) and the chunk's contributions to A·G and GᵀG. */
  public record Output(DeviceTensor g, double[] ag, double[] gtg) {}

  /**
   * G_c' = G̃_c ⊙ sqrt(([A_cᵀF]⁺ + G̃_c[FᵀF]⁻) / ([A_cᵀF]⁻ + G̃_c[FᵀF]⁺ + ε)), G̃_c = G_c·diag(s),
   * then the sums.
   *
   * @param a the chunk A_c, d×n_c
   * @param g the chunk's stored rows of G, n_c×K (not consumed)
   */
  public static Output apply(TensorOps ops, Factor f, DeviceTensor a, DeviceTensor g, double eps) {
    TensorOps.ChunkUpdate u = ops.chunkUpdate(a, f.f(), g, f.scale(), f.ftfSplit(), eps);
    return new Output(u.g(), u.ag(), u.gram());
  }

  /** A_c·G_c (d×K) and G_cᵀG_c (K×K) for a given block, which the output then owns. */
  public static Output sums(TensorOps ops, DeviceTensor a, DeviceTensor g) {
    double[] ag;
    double[] gtg;
    try (DeviceTensor m = ops.gemm(a, false, g, false); DeviceTensor s = ops.gemm(g, true, g, false)) {
      ag = ops.toColumnMajorDouble(m);
      gtg = ops.toColumnMajorDouble(s);
    }
    return new Output(g, ag, gtg);
  }
}
