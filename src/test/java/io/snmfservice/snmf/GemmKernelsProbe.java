package io.snmfservice.snmf;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link OpenBlasKernelDefaultsTest}: optionally runs the launcher step, then one ND4J GEMM
 * through the SNMF backend, and writes the product to a file. Arguments: launcher|default outputFile.
 */
public final class GemmKernelsProbe {

  private GemmKernelsProbe() {}

  public static void main(String[] args) throws IOException {
    if (args[0].equals("launcher")) {
      OpenBlasCoreCheck.preferAvx512Kernels();
    }
    int m = 257;
    int k = 311;
    int n = 203;
    SplittableRandom r = new SplittableRandom(11);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextGaussian();
    }
    float[] c;
    try (Nd4jTensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT32);
        DeviceTensor ta = ops.fromColumnMajor(a, m, k);
        DeviceTensor tb = ops.fromColumnMajor(b, k, n);
        DeviceTensor tc = ops.gemm(ta, false, tb, false)) {
      c = ops.toColumnMajorFloat(tc);
    }
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
      out.writeInt(c.length);
      for (float v : c) {
        out.writeFloat(v);
      }
    }
    String core = OpenBlasCoreCheck.coreTypeInEnvironment();
    System.out.println("CORETYPE=" + (core == null ? "" : core));
  }
}
