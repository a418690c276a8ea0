package io.snmfservice.snmf.bench;

import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Streaming SNMF over an activation file larger than the heap. Writes the file first when it does
 * not exist (64 dense random directions, two active per column with U(0,1) weights, plus uniform
 * noise), then runs the given number of iterations with G on disk and prints seconds per
 * iteration and the peak resident set (VmHWM). Arguments: file d n K iterations chunkColumns
 * [float32|float16]; iterations 0 only writes the file.
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

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int d = Integer.parseInt(args[1]);
    long n = Long.parseLong(args[2]);
    int k = Integer.parseInt(args[3]);
    int iterations = Integer.parseInt(args[4]);
    int chunk = Integer.parseInt(args[5]);
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
    // one pass that only reads the file, for the I/O share of an iteration
    try (ActivationFileReader reader = ActivationFileReader.open(file)) {
      float[] buf = new float[d * chunk];
      long t0 = System.nanoTime();
      for (long s = 0; s < n; s += chunk) {
        reader.readColumns(s, (int) Math.min(chunk, n - s), buf);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("RESULT read-only pass %.1f s (%.2f GB/s)%n", secs, Files.size(file) / 1e9 / secs);
    }
    Path scratch = Files.createTempDirectory(file.toAbsolutePath().getParent(), "snmf-g");
    long[] stamps = new long[iterations + 1];
    SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(iterations).withPatience(iterations).withChunkColumns(chunk)
        .withGSpillDirectory(scratch);
    long start = System.nanoTime();
    try (ActivationFileReader reader = ActivationFileReader.open(file);
        SnmfResult res = new SnmfEngine().factorize(ActivationSource.of(reader), cfg,
            (it, loss) -> {
              stamps[it] = System.nanoTime();
              System.out.printf("iteration %d loss %.6e at %.1f s%n", it, loss, (stamps[it] - start) / 1e9);
            }, CancellationSignal.NEVER)) {
      StringBuilder per = new StringBuilder();
      for (int t = 2; t <= iterations; t++) {
        per.append(String.format("%.1f ", (stamps[t] - stamps[t - 1]) / 1e9));
      }
      System.out.printf("RESULT d=%d n=%d K=%d chunk=%d: init pass + iteration 1 %.1f s; later iterations %ss;"
              + " relative error %.4f; max heap %d MB; %s%n", d, n, k, chunk, (stamps[1] - start) / 1e9, per,
          res.relativeError(), Runtime.getRuntime().maxMemory() >> 20, peakRss());
    } finally {
      try (var files = Files.list(scratch)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(scratch);
    }
  }
}
