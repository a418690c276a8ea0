package io.snmfservice.snmf.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square float32 GEMM throughput with ND4J (OpenBLAS) and DJL (libtorch): the probe used to find
 * why ND4J is slower on this machine. Run: java -cp ... GemmProbe [size] [repeats].
 */
public final class GemmProbe {

  private GemmProbe() {}

  public static float[] random(int length, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      v[i] = (float) (r.nextDouble() - 0.5);
    }
    return v;
  }

  /** Best GFLOP/s over repeats of C = A·B with ND4J. */
  static double nd4j(int size, int repeats) {
    INDArray a = Nd4j.create(random(size * size, 1), new long[] {size, size}, 'f');
    INDArray b = Nd4j.create(random(size * size, 2), new long[] {size, size}, 'f');
    INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {size, size}, 'f');
    double best = Double.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 2.0 * size * size * (double) size / best / 1e9;
  }

  /** Best GFLOP/s over repeats of C = A·B with DJL on the PyTorch engine. */
  static double djl(int size, int repeats) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(random(size * size, 1), new Shape(size, size));
      NDArray b = m.create(random(size * size, 2), new Shape(size, size));
      double best = Double.MAX_VALUE;
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.toFloatArray(); // forces completion; copy cost is included
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      return 2.0 * size * size * (double) size / best / 1e9;
    }
  }

  public static void main(String[] args) {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("gemm %d^3 float32: ND4J %.1f GFLOP/s%n", size, nd4j(size, repeats));
    System.out.printf("gemm %d^3 float32: DJL  %.1f GFLOP/s%n", size, djl(size, repeats));
  }
}
