package io.snmfservice.snmf;

/**
 * The seam between the SNMF algorithm and a tensor engine: the few operations on large matrices
 * (n-sized or d×n) that dominate the cost. Everything K×K or d×K (Gram matrices, the small
 * symmetric solve, per-column top-k) runs on the host in double ({@link HostMatrices}): it is tiny
 * and keeps the iterates deterministic. {@link Nd4jTensorOps} is the default; a DJL/PyTorch
 * backend can implement the same interface. All arrays crossing the seam are column-major.
 */
public interface TensorOps extends AutoCloseable {

  SnmfPrecision precision();

  /** Uploads a column-major rows×cols matrix. */
  DeviceTensor fromColumnMajor(float[] values, int rows, int cols);

  /** Uploads a column-major rows×cols matrix. */
  DeviceTensor fromColumnMajor(double[] values, int rows, int cols);

  /** A rows×cols tensor whose values are to be written (e.g. through {@link #float32HostBytes}). */
  default DeviceTensor allocate(int rows, int cols) {
    return precision() == SnmfPrecision.FLOAT64
        ? fromColumnMajor(new double[Math.multiplyExact(rows, cols)], rows, cols)
        : fromColumnMajor(new float[Math.multiplyExact(rows, cols)], rows, cols);
  }

  /** Overwrites a tensor of the same shape with column-major values (reuses its memory). */
  void copyInto(DeviceTensor target, float[] values);

  /** Overwrites a tensor of the same shape with column-major values (reuses its memory). */
  void copyInto(DeviceTensor target, double[] values);

  /**
   * The tensor's own memory as little-endian float32 bytes in column-major order, when it lives in
   * host memory with that layout (so a file can be read straight into it); null otherwise.
   */
  default java.nio.ByteBuffer float32HostBytes(DeviceTensor t) {
    return null;
  }

  /** C = op(A)·op(B), op = transpose when the flag is set. */
  DeviceTensor gemm(DeviceTensor a, boolean transposeA, DeviceTensor b, boolean transposeB);

  /**
   * The semi-NMF update of G for fixed F (Ding et al.), applied to the column-scaled G̃ = G·diag(s):
   * G' = G̃ ⊙ sqrt( ([AᵀF]⁺ + G̃·[FᵀF]⁻) / ([AᵀF]⁻ + G̃·[FᵀF]⁺ + ε) ), X⁺ = (|X|+X)/2, X⁻ = (|X|−X)/2.
   * Callers pass diag(s)·[[FᵀF]⁺ | [FᵀF]⁻] (rows scaled, side by side: K×2K), so G̃ itself is
   * never materialised and both products come from one GEMM.
   *
   * @param g stored G, n×K, ≥ 0
   * @param scale s, the pending column scale of G (K values)
   * @param atf AᵀF, n×K
   * @param scaledFtfSplit diag(s)·[[FᵀF]⁺ | [FᵀF]⁻], K×2K
   */
  DeviceTensor multiplicativeUpdate(DeviceTensor g, double[] scale, DeviceTensor atf, DeviceTensor scaledFtfSplit,
      double eps);

  /**
   * One chunk of step 4: P = A_cᵀF, G' = {@link #multiplicativeUpdate}(G_c, s, P, split), and the chunk's sums
   * A_c·G' (d×K) and G'ᵀG' (K×K), both column-major on the host in double. Backends may fuse it per block of rows
   * so that P and G' are used while they are still in cache.
   *
   * @param a the chunk A_c, d×n_c
   * @param f F, d×K
   * @param g the chunk's stored G_c, n_c×K (not consumed)
   */
  default ChunkUpdate chunkUpdate(DeviceTensor a, DeviceTensor f, DeviceTensor g, double[] scale,
      DeviceTensor scaledFtfSplit, double eps) {
    DeviceTensor updated;
    try (DeviceTensor atf = gemm(a, true, f, false)) {
      updated = multiplicativeUpdate(g, scale, atf, scaledFtfSplit, eps);
    }
    try (DeviceTensor ag = gemm(a, false, updated, false); DeviceTensor gram = gemm(updated, true, updated, false)) {
      return new ChunkUpdate(updated, toColumnMajorDouble(ag), toColumnMajorDouble(gram));
    } catch (RuntimeException | Error e) {
      updated.close();
      throw e;
    }
  }

  /** A new G block (owned by the caller), A_c·G' and G'ᵀG'. */
  record ChunkUpdate(DeviceTensor g, double[] ag, double[] gram) {}

  /** Column-major copy to the host. */
  double[] toColumnMajorDouble(DeviceTensor t);

  /** Column-major copy to the host. */
  float[] toColumnMajorFloat(DeviceTensor t);

  /**
   * Eigen-decomposition of a symmetric n×n matrix (column-major): eigenvalues ascending, and the
   * matching unit eigenvectors as columns.
   */
  SymmetricEigen symmetricEigen(double[] a, int n);

  /** Eigenvalues (ascending) and eigenvectors (column-major n×n, column i for value i). */
  record SymmetricEigen(double[] values, double[] vectors) {}

  @Override
  default void close() {}
}
