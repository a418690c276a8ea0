package io.snmfservice.snmf;

import java.util.SplittableRandom;

/**
 * Seconds of the driver's d×K / K×K step of one SNMF iteration (solveRight, winner-take-all, FᵀF, the loss dots) at a
 * given d and K, for the scaling model in docs/benchmarks.md. Arguments: d K [repeats].
 */
public final class HostStepProbe {

  private HostStepProbe() {}

  public static void main(String[] args) {
    int d = Integer.parseInt(args[0]);
    int k = Integer.parseInt(args[1]);
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SplittableRandom r = new SplittableRandom(1);
    double[] m = r.doubles((long) d * k).toArray();
    double[] g = r.doubles(4L * k * k).toArray();
    // S = GᵀG of a 4K×K G: symmetric positive definite like the real one
    double[] s = HostMatrices.gram(g, 4 * k, k);
    for (int t = 0; t < repeats; t++) {
      long t0 = System.nanoTime();
      double[] f = HostMatrices.solveRight(m, d, s, k, 1e-6);
      long t1 = System.nanoTime();
      HostMatrices.keepLargestPerColumn(f, d, k, (int) Math.ceil(0.01 * d));
      long t2 = System.nanoTime();
      double[] ftf = HostMatrices.gram(f, d, k);
      double loss = HostMatrices.dot(f, m) + HostMatrices.dot(ftf, s);
      long t3 = System.nanoTime();
      System.out.printf("d %d K %d: solveRight %.2f s, winner-take-all %.2f s, FᵀF + dots %.2f s, total %.2f s"
              + " (%.2f GFLOP/s over 3·d·K² flops) %s%n", d, k, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
          (t3 - t0) / 1e9, 3.0 * d * k * k / (t3 - t0), loss > 0 ? "" : " ");
    }
  }
}
