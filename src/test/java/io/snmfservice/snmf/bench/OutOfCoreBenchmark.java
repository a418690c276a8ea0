package io.snmfservice.snmf.bench;

import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.ChunkStep;
import io.snmfservice.snmf.DeviceTensor;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Streaming SNMF over an activation file larger than the heap. Writes the file first when it does not exist (64 dense
 * random directions, two active per column with U(0,1) weights, plus uniform noise). Then measures the two bounds of
 * an iteration in the same run, (a) the engine's reader alone over the file and (b) one iteration's compute on a
 * chunk already in memory, runs the given number of iterations with G on disk (seconds and CPU seconds per
 * iteration, peak resident set VmHWM), and measures both bounds once more (the machine is shared, so the bounds
 * bracket the run) to give the last iteration's ratio to the larger bound. Arguments: file d n K iterations
 * chunkColumns [float32|float16]; iterations 0 only writes the file. Run it with {@code --add-modules
 * jdk.incubator.vector}, as the service runs, so float16 widens with SIMD lanes (it prints which way it widens).
 */
public final class OutOfCoreBenchmark {

  private OutOfCoreBenchmark() {}

  static void write(Path file, int d, long n, int chunk, DType dtype) {
    SplittableRandom r = new SplittableRandom(42);
    // noise from a fixed table at random offsets: one random draw per column instead of per value,
    // so writing a 10^10-value file is bound by the disk, not the generator
    float[] noise = new float[1 << 16];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = 0.1f * ((float) r.nextDouble() - 0.5f);
    }
    float[][] directions = new float[64][d];
    for (float[] v : directions) {
      for (int i = 0; i < d; i++) {
        v[i] = (float) r.nextGaussian();
      }
    }
    float[] block = new float[d * chunk];
    try (ActivationFileWriter w = ActivationFileWriter.create(file, d, dtype, chunk)) {
      for (long done = 0; done < n; done += chunk) {
        int count = (int) Math.min(chunk, n - done);
        for (int j = 0; j < count; j++) {
          float[] p = directions[r.nextInt(64)];
          float[] q = directions[r.nextInt(64)];
          float a = (float) r.nextDouble();
          float b = (float) r.nextDouble();
          int o = j * d;
          int z = r.nextInt(noise.length - d);
          for (int i = 0; i < d; i++) {
            block[o + i] = a * p[i] + b * q[i] + noise[z + i];
          }
        }
        w.appendColumns(block, count);
      }
    }
  }

  static String peakRss() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .findFirst().orElse("VmHWM: unknown").replaceAll("\\s+", " ");
  }

  static String load() throws IOException {
    return "load " + Files.readString(Path.of("/proc/loadavg")).trim();
  }

  /** CPU seconds of this process so far (all threads). */
  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /**
   * Bound (a): one sequential pass of the engine's reader over the file, as the engine's reader thread does it
   * (chunk by chunk, float16 widened into a native buffer), without any compute.
   */
  static double readerAlone(Path file, int chunk) throws IOException {
    try (ActivationFileReader reader = ActivationFileReader.open(file)) {
      long n = reader.n();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(Math.multiplyExact(reader.d() * 4, chunk))
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      double cpu0 = cpuSeconds();
      long t0 = System.nanoTime();
      for (long s = 0; s < n; s += chunk) {
        reader.readFloat32Bytes(s, (int) Math.min(chunk, n - s), buf.clear());
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("RESULT (a) reader alone: %.1f s (%.2f GB/s of file), %.1f CPU-s; %s%n", secs,
          Files.size(file) / 1e9 / secs, cpuSeconds() - cpu0, load());
      return secs;
    }
  }

  /**
   * Bound (b): the compute of one iteration on data already in memory: the chunk step (A_cᵀF, the G update, A_c·G',
   * G'ᵀG') on the file's first chunk, with G in memory, once per chunk of the file (the tail pro rata), as the engine
   * runs it. F is random and G is U(0,1): the arithmetic does not depend on the values.
   */
  static double computeInMemory(Path file, int k, int chunk) throws IOException {
    try (ActivationFileReader reader = ActivationFileReader.open(file);
        Nd4jTensorOps ops = new Nd4jTensorOps(SnmfPrecision.FLOAT32)) {
      int d = reader.d();
      long n = reader.n();
      SplittableRandom r = new SplittableRandom(1);
      double[] f = r.doubles((long) d * k, -1, 1).toArray();
      try (DeviceTensor a = ops.fromColumnMajor(reader.readColumns(0, chunk), d, chunk);
          DeviceTensor g = ops.fromColumnMajor(r.doubles((long) chunk * k, 0, 1).toArray(), chunk, k);
          ChunkStep.Factor factor = ChunkStep.Factor.upload(ops, f, gram(f, d, k), ones(k), d, k)) {
        ChunkStep.apply(ops, factor, a, g, 1e-6).g().close(); // warm-up
        long full = n / chunk;
        double cpu0 = cpuSeconds();
        long t0 = System.nanoTime();
        for (long c = 0; c < full; c++) {
          ChunkStep.Output out = ChunkStep.apply(ops, factor, a, g, 1e-6);
          out.g().close();
        }
        double secs = (System.nanoTime() - t0) / 1e9 * n / (full * (double) chunk);
        System.out.printf("RESULT (b) compute in memory: %.1f s for %d columns (%d chunk steps of %d, %.1f ms each,"
                + " tail pro rata), %.1f CPU-s; %s%n", secs, n, full, chunk, secs * 1e3 * chunk / n,
            cpuSeconds() - cpu0, load());
        return secs;
      }
    }
  }

  /** FᵀF of a column-major d×K matrix. */
  private static double[] gram(double[] f, int d, int k) {
    double[] out = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        for (int r = 0; r < d; r++) {
          out[i + j * k] += f[i * d + r] * f[j * d + r];
        }
      }
    }
    return out;
  }

  private static double[] ones(int k) {
    double[] v = new double[k];
    java.util.Arrays.fill(v, 1);
    return v;
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int d = Integer.parseInt(args[1]);
    long n = Long.parseLong(args[2]);
    int k = Integer.parseInt(args[3]);
    int iterations = Integer.parseInt(args[4]);
    int chunk = Integer.parseInt(args[5]);
    System.out.println("float16 widening: " + io.snmfservice.activations.store.Float16.widening());
    DType dtype = args.length > 6 && args[6].equals("float16") ? DType.FLOAT16 : DType.FLOAT32;
    if (!Files.exists(file)) {
      long t0 = System.nanoTime();
      write(file, d, n, chunk, dtype);
      System.out.printf("RESULT wrote %s (%.2f GB) in %.1f s%n", file, Files.size(file) / 1e9,
          (System.nanoTime() - t0) / 1e9);
    }
    if (iterations == 0) {
      return;
    }
    // the bounds of an iteration, measured in this run: (a) the engine's reader alone over the whole file, (b) the
    // compute of one iteration on a chunk already in memory
    double read = readerAlone(file, chunk);
    double compute = computeInMemory(file, k, chunk);
    Path scratch = Files.createTempDirectory(file.toAbsolutePath().getParent(), "snmf-g");
    long[] stamps = new long[iterations + 1];
    double[] cpu = new double[iterations + 1];
    SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(iterations).withPatience(iterations).withChunkColumns(chunk)
        .withGSpillDirectory(scratch);
    long start = System.nanoTime();
    try (ActivationFileReader reader = ActivationFileReader.open(file);
        SnmfResult res = new SnmfEngine().factorize(ActivationSource.of(reader), cfg,
            (it, loss) -> {
              stamps[it] = System.nanoTime();
              cpu[it] = cpuSeconds();
              System.out.printf("iteration %d loss %.6e at %.1f s%n", it, loss, (stamps[it] - start) / 1e9);
            }, CancellationSignal.NEVER)) {
      StringBuilder per = new StringBuilder();
      for (int t = 2; t <= iterations; t++) {
        per.append(String.format("%.1f (%.1f CPU-s) ", (stamps[t] - stamps[t - 1]) / 1e9, cpu[t] - cpu[t - 1]));
      }
      System.out.printf("RESULT d=%d n=%d K=%d chunk=%d: init pass + iteration 1 %.1f s; later iterations %ss;"
              + " relative error %.4f; max heap %d MB; %s; %s%n", d, n, k, chunk, (stamps[1] - start) / 1e9, per,
          res.relativeError(), Runtime.getRuntime().maxMemory() >> 20, peakRss(), load());
      double last = (stamps[iterations] - stamps[iterations - 1]) / 1e9;
      // the machine is shared: the bounds again after the run bracket the load the iterations saw
      double readAfter = readerAlone(file, chunk);
      double computeAfter = computeInMemory(file, k, chunk);
      System.out.printf("RESULT last iteration %.1f s = %.2f x max(a %.1f s, b %.1f s) before the run,"
              + " %.2f x max(a %.1f s, b %.1f s) after it%n", last, last / Math.max(read, compute), read, compute,
          last / Math.max(readAfter, computeAfter), readAfter, computeAfter);
    } finally {
      try (var files = Files.list(scratch)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(scratch);
    }
  }
}
