package io.snmfservice.snmf.bench;

import io.snmfservice.support.TestDevice;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.DjlTensorOps;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfResult;
import io.snmfservice.snmf.CancellationSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seconds per SNMF iteration next to the GEMM bound: the time of the two products of an
 * iteration, A·G (d×n·n×K) and Aᵀ·F (n×d·d×K), alone, measured with ND4J and with DJL/libtorch in
 * the same run. Arguments: d n K iterations chunkColumns [nd4j|djl] (the engine's backend).
 */
public final class SnmfBenchmark {

  private SnmfBenchmark() {}

  private static double median(List<Double> xs) {
    double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v[v.length / 2];
  }

  private static double best(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  public static void main(String[] args) {
    int d = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    int k = Integer.parseInt(args[2]);
    int iterations = Integer.parseInt(args[3]);
    int chunk = Integer.parseInt(args[4]);
    boolean djlEngine = args.length > 5 && args[5].equals("djl");
    SnmfEngine engine = djlEngine ? new SnmfEngine(precision -> new DjlTensorOps(precision, TestDevice.get())) : new SnmfEngine();
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

    // GEMM bounds, measured before and after the engine run (the machine is shared, so the two
    // are interleaved in time and compared by median and by minimum)
    List<Double> nd4j = new ArrayList<>();
    List<Double> nd4jCpu = new ArrayList<>();
    List<Double> djl = new ArrayList<>();
    double[] perIteration = new double[iterations];
    double[] perIterationCpu = new double[iterations];
    try (INDArray aa = Nd4j.create(a, new long[] {d, n}, 'f');
        INDArray ff = Nd4j.create(f, new long[] {d, k}, 'f');
        INDArray gg = Nd4j.create(g, new long[] {n, k}, 'f');
        INDArray ag = Nd4j.createUninitialized(DataType.FLOAT, new long[] {d, k}, 'f');
        INDArray atf = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, k}, 'f');
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray at = m.create(a, new Shape(n, d)); // the same bytes read as Aᵀ (row-major n×d)
      NDArray fd = m.create(f, new Shape(k, d)).transpose(); // column-major d×K
      NDArray gd = m.create(g, new Shape(k, n)).transpose(); // column-major n×K
      Runnable bounds = () -> {
        for (int rep = 0; rep < 4; rep++) {
          long t0 = System.nanoTime();
          long c0 = cpuNanos();
          Nd4j.gemm(aa, gg, ag, false, false, 1.0, 0.0);
          Nd4j.gemm(aa, ff, atf, true, false, 1.0, 0.0);
          nd4j.add((System.nanoTime() - t0) / 1e9);
          nd4jCpu.add((cpuNanos() - c0) / 1e9);
          t0 = System.nanoTime();
          try (NDArray x = at.transpose().matMul(gd); NDArray y = at.matMul(fd)) {
            x.toFloatArray();
            y.toFloatArray();
          }
          djl.add((System.nanoTime() - t0) / 1e9);
        }
      };
      bounds.run();
      // the engine, A in memory, random init, sparsity 0.01
      long[] stamps = new long[iterations + 1];
      long[] cpuStamps = new long[iterations + 1];
      SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(iterations).withPatience(iterations).withChunkColumns(chunk);
      long start = System.nanoTime();
      try (SnmfResult res = engine.factorize(ActivationSource.ofColumnMajor(a, d, n), cfg,
          (it, loss) -> {
            stamps[it] = System.nanoTime();
            cpuStamps[it] = cpuNanos();
          }, CancellationSignal.NEVER)) {
        for (int t = 2; t <= iterations; t++) {
          perIteration[t - 1] = (stamps[t] - stamps[t - 1]) / 1e9;
          perIterationCpu[t - 1] = (cpuStamps[t] - cpuStamps[t - 1]) / 1e9;
        }
        perIteration[0] = (stamps[1] - start) / 1e9; // includes the first upload and the init pass
      }
      bounds.run();
    }
    double boundNd4j = median(nd4j);
    double boundDjl = median(djl);
    List<Double> steady = new ArrayList<>();
    List<Double> steadyCpu = new ArrayList<>();
    for (int t = 1; t < iterations; t++) {
      steady.add(perIteration[t]);
      steadyCpu.add(perIterationCpu[t]);
    }
    // process CPU seconds (all threads): far less sensitive than wall time to other processes on shared cores
    System.out.printf("RESULT-CPU d=%d n=%d K=%d chunk=%d: engine CPU-s per iteration median %.3f / min %.3f;"
            + " ND4J bound CPU-s median %.3f / min %.3f; engine / bound by CPU time: %.2f by median, %.2f by minimum%n",
        d, n, k, chunk, median(steadyCpu), best(steadyCpu), median(nd4jCpu), best(nd4jCpu),
        median(steadyCpu) / median(nd4jCpu), best(steadyCpu) / best(nd4jCpu));
    double median = median(steady);
    double fastest = Math.min(boundNd4j, boundDjl);
    double fastestMin = Math.min(best(nd4j), best(djl));
    System.out.printf("RESULT d=%d n=%d K=%d chunk=%d backend=%s: engine median %.3f / min %.3f s per iteration (%d iterations;"
            + " first incl. init %.3f s); GEMM bound median/min ND4J %.3f/%.3f s (%.0f GFLOP/s at median),"
            + " DJL %.3f/%.3f s (%.0f GFLOP/s); engine / faster bound: %.2f by median, %.2f by minimum%n",
        d, n, k, chunk, djlEngine ? "djl" : "nd4j", median, best(steady), steady.size(), perIteration[0], boundNd4j, best(nd4j),
        4.0 * d * n * k / boundNd4j / 1e9, boundDjl, best(djl), 4.0 * d * n * k / boundDjl / 1e9, median / fastest,
        best(steady) / fastestMin);
  }
}
