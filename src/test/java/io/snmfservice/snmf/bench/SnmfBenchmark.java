package io.snmfservice.snmf.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfResult;
import io.snmfservice.snmf.CancellationSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seconds per SNMF iteration next to the GEMM bound: the time of the two products of an
 * iteration, A·G (d×n·n×K) and Aᵀ·F (n×d·d×K), alone, measured with ND4J and with DJL/libtorch in
 * the same run. Arguments: d n K iterations chunkColumns.
 */
public final class SnmfBenchmark {

  private SnmfBenchmark() {}

  private static double best(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  public static void main(String[] args) {
    int d = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    int k = Integer.parseInt(args[2]);
    int iterations = Integer.parseInt(args[3]);
    int chunk = Integer.parseInt(args[4]);
    float[] a = GemmProbe.random(d * n, 7); // column-major d×n
    SplittableRandom r = new SplittableRandom(3);
    float[] f = new float[d * k];
    float[] g = new float[n * k];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) r.nextDouble();
    }

    // GEMM bound, ND4J: A as one column-major array
    List<Double> nd4j = new ArrayList<>();
    try (INDArray aa = Nd4j.create(a, new long[] {d, n}, 'f');
        INDArray ff = Nd4j.create(f, new long[] {d, k}, 'f');
        INDArray gg = Nd4j.create(g, new long[] {n, k}, 'f');
        INDArray ag = Nd4j.createUninitialized(DataType.FLOAT, new long[] {d, k}, 'f');
        INDArray atf = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, k}, 'f')) {
      for (int rep = 0; rep < 4; rep++) {
        long t0 = System.nanoTime();
        Nd4j.gemm(aa, gg, ag, false, false, 1.0, 0.0);
        Nd4j.gemm(aa, ff, atf, true, false, 1.0, 0.0);
        nd4j.add((System.nanoTime() - t0) / 1e9);
      }
    }
    // GEMM bound, DJL/PyTorch: the same bytes read as Aᵀ (row-major n×d)
    List<Double> djl = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray at = m.create(a, new Shape(n, d));
      NDArray ff = m.create(f, new Shape(k, d)).transpose(); // column-major d×K
      NDArray gg = m.create(g, new Shape(k, n)).transpose(); // column-major n×K
      for (int rep = 0; rep < 4; rep++) {
        long t0 = System.nanoTime();
        try (NDArray ag = at.transpose().matMul(gg); NDArray atf = at.matMul(ff)) {
          ag.toFloatArray();
          atf.toFloatArray();
        }
        djl.add((System.nanoTime() - t0) / 1e9);
      }
    }
    double boundNd4j = best(nd4j);
    double boundDjl = best(djl);

    // the engine, A in memory, random init, sparsity 0.01
    long[] stamps = new long[iterations + 1];
    SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(iterations).withPatience(iterations).withChunkColumns(chunk);
    long start = System.nanoTime();
    double[] perIteration = new double[iterations];
    try (SnmfResult res = new SnmfEngine().factorize(ActivationSource.ofColumnMajor(a, d, n), cfg,
        (it, loss) -> stamps[it] = System.nanoTime(), CancellationSignal.NEVER)) {
      for (int t = 2; t <= iterations; t++) {
        perIteration[t - 1] = (stamps[t] - stamps[t - 1]) / 1e9;
      }
      stamps[0] = start;
      perIteration[0] = (stamps[1] - start) / 1e9; // includes the first upload and init pass
    }
    double[] steady = Arrays.copyOfRange(perIteration, 1, iterations);
    Arrays.sort(steady);
    double median = steady[steady.length / 2];
    double fastest = Math.min(boundNd4j, boundDjl);
    System.out.printf("RESULT d=%d n=%d K=%d chunk=%d: engine %.3f s/iter (median of %d; first incl. init %.3f s);"
            + " GEMM bound ND4J %.3f s (%.0f GFLOP/s), DJL %.3f s (%.0f GFLOP/s); ratio to faster bound %.2f%n",
        d, n, k, chunk, median, steady.length, perIteration[0], boundNd4j, 4.0 * d * n * k / boundNd4j / 1e9,
        boundDjl, 4.0 * d * n * k / boundDjl / 1e9, median / fastest);
  }
}
