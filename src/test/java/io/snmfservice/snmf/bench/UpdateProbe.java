package io.snmfservice.snmf.bench;

import io.snmfservice.snmf.DeviceTensor;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.TensorOps;
import java.util.SplittableRandom;

/**
 * One chunk's step, alternating the fused form (chunkUpdate: AᵀF, update, GᵀG and A·G per row block) with the
 * same work as whole-chunk GEMMs around the blocked update, next to the chunk's two d-sized GEMMs alone (the bound).
 * Arguments: d rows K reps. Prints min and median milliseconds of each.
 */
public final class UpdateProbe {

  private UpdateProbe() {}

  public static void main(String[] args) {
    int d = Integer.parseInt(args[0]);
    int rows = Integer.parseInt(args[1]);
    int k = Integer.parseInt(args[2]);
    int reps = Integer.parseInt(args[3]);
    SplittableRandom r = new SplittableRandom(1);
    float[] g = new float[rows * k];
    float[] p = new float[rows * k];
    float[] split = new float[k * 2 * k];
    float[] a = new float[d * rows];
    float[] f = new float[d * k];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) r.nextDouble();
      p[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < split.length; i++) {
      split[i] = (float) r.nextDouble();
    }
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    double[] scale = new double[k];
    java.util.Arrays.fill(scale, 1.0);
    double[][] t = new double[3][reps];
    try (Nd4jTensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT32);
        DeviceTensor tg = ops.fromColumnMajor(g, rows, k);
        DeviceTensor tp = ops.fromColumnMajor(p, rows, k);
        DeviceTensor ts = ops.fromColumnMajor(split, k, 2 * k);
        DeviceTensor ta = ops.fromColumnMajor(a, d, rows);
        DeviceTensor tf = ops.fromColumnMajor(f, d, k)) {
      for (int rep = 0; rep < reps; rep++) {
        long t0 = System.nanoTime();
        TensorOps.ChunkUpdate u = ops.chunkUpdate(ta, tf, tg, scale, ts, 1e-6);
        u.g().close();
        long t1 = System.nanoTime();
        try (DeviceTensor atf = ops.gemm(ta, true, tf, false);
            DeviceTensor updated = ops.multiplicativeUpdate(tg, scale, atf, ts, 1e-6);
            DeviceTensor gram = ops.gemm(updated, true, updated, false);
            DeviceTensor ag = ops.gemm(ta, false, updated, false)) {
          ops.toColumnMajorDouble(gram);
          ops.toColumnMajorDouble(ag);
        }
        long t2 = System.nanoTime();
        try (DeviceTensor atf = ops.gemm(ta, true, tf, false); DeviceTensor ag = ops.gemm(ta, false, tg, false)) {
          ops.toColumnMajorDouble(ag);
        }
        long t3 = System.nanoTime();
        t[0][rep] = (t1 - t0) / 1e6;
        t[1][rep] = (t2 - t1) / 1e6;
        t[2][rep] = (t3 - t2) / 1e6;
      }
    }
    String[] names = {"fused chunk step", "AtF, blocked update, GtG, AG", "bound: AtF + AG"};
    for (int i = 0; i < 3; i++) {
      double[] v = t[i].clone();
      java.util.Arrays.sort(v);
      System.out.printf("RESULT %-36s min %.1f ms, median %.1f ms%n", names[i], v[0], v[v.length / 2]);
    }
  }
}
