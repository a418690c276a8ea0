package io.snmfservice.snmf.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Ways to compute GᵀG (K×K from an n×K column-major G) with ND4J, timed side by side. Arguments: n K reps. */
public final class SmallGemmProbe {

  private SmallGemmProbe() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int k = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    INDArray g = Nd4j.rand(DataType.FLOAT, new long[] {n, k}).dup('f');
    INDArray split = Nd4j.rand(DataType.FLOAT, new long[] {k, 2L * k}).dup('f');
    INDArray gtg = Nd4j.createUninitialized(DataType.FLOAT, new long[] {k, k}, 'f');
    INDArray both = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, 2L * k}, 'f');
    // the same bytes as a row-major K×n matrix: X = Gᵀ, so GᵀG = X·Xᵀ
    INDArray x = Nd4j.create(g.data(), new long[] {k, n}, new long[] {n, 1}, 0, 'c');
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(g, g, gtg, true, false, 1.0, 0.0);
      long t1 = System.nanoTime();
      Nd4j.gemm(x, x, gtg, false, true, 1.0, 0.0);
      long t2 = System.nanoTime();
      Nd4j.gemm(g, split, both, false, false, 1.0, 0.0);
      long t3 = System.nanoTime();
      System.out.printf("G^T G as TN %.2f ms, as X X^T %.2f ms; G [P|N] %.2f ms%n", (t1 - t0) / 1e6,
          (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }
  }
}
