package io.snmfservice.spark.bench;

import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfResult;
import io.snmfservice.spark.SparkProperties;
import io.snmfservice.spark.SparkSnmf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Spark path (submitted to {@code master}, default local[2]) against the single-JVM engine on the same
 * activation file, config and seed: seconds per iteration of each (median over iterations 2..N) and the fixed cost
 * until the first iteration. Arguments: d n K iterations [partitions master]. The file (64 dense random
 * directions, two active per column, plus noise) is written to a temporary directory and deleted afterwards.
 */
public final class SparkOverheadBenchmark {

  private SparkOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int d = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    int k = Integer.parseInt(args[2]);
    int iterations = Integer.parseInt(args[3]);
    int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    String master = args.length > 5 ? args[5] : "local[2]";
    Path dir = Files.createTempDirectory("spark-bench");
    Path file = dir.resolve("a.act");
    write(file, d, n);
    SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(iterations).withPatience(iterations).withChunkColumns(8192);

    List<Long> engineTimes = new ArrayList<>();
    long t0 = System.nanoTime();
    try (ActivationFileReader reader = ActivationFileReader.open(file);
        SnmfResult r = new SnmfEngine().factorize(ActivationSource.of(reader), cfg,
            (it, loss) -> engineTimes.add(System.nanoTime()), CancellationSignal.NEVER)) {
      report("engine (1 JVM)", t0, engineTimes, r);
    }

    SparkProperties props = new SparkProperties(master, Path.of("spark/target/spark-home"),
        Path.of("spark/target/snmf-spark.jar"), partitions, "4g", "4g", Map.of());
    t0 = System.nanoTime();
    long wallStart = System.currentTimeMillis();
    try (SnmfResult r = new SparkSnmf(props).factorize(file, cfg, dir.resolve("spark"), (it, loss) -> {},
        CancellationSignal.NEVER)) {
      // the relay polls every 200 ms: per-iteration times come from the application's own stamps
      List<Long> sparkTimes = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("spark").resolve("progress.tsv"))) {
        sparkTimes.add(t0 + (Long.parseLong(line.split("\t")[2]) - wallStart) * 1_000_000);
      }
      report("spark " + master, t0, sparkTimes, r);
    }
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  private static void report(String name, long start, List<Long> stamps, SnmfResult r) {
    double[] per = new double[stamps.size() - 1];
    for (int i = 1; i < stamps.size(); i++) {
      per[i - 1] = (stamps.get(i) - stamps.get(i - 1)) / 1e9;
    }
    Arrays.sort(per);
    System.out.printf("%s: until iteration 1 %.1f s, per iteration median %.3f s (min %.3f, max %.3f), "
            + "total %.1f s, final loss %.6e%n", name, (stamps.get(0) - start) / 1e9, per[per.length / 2], per[0],
        per[per.length - 1], (System.nanoTime() - start) / 1e9, r.losses()[r.losses().length - 1]);
  }

  private static void write(Path file, int d, int n) {
    SplittableRandom r = new SplittableRandom(42);
    float[][] directions = new float[64][d];
    for (float[] v : directions) {
      for (int i = 0; i < d; i++) {
        v[i] = (float) r.nextGaussian();
      }
    }
    try (ActivationFileWriter w = ActivationFileWriter.create(file, d, DType.FLOAT32, 8192)) {
      float[] column = new float[d];
      for (int j = 0; j < n; j++) {
        float[] a = directions[r.nextInt(64)];
        float[] b = directions[r.nextInt(64)];
        float wa = (float) r.nextDouble();
        float wb = (float) r.nextDouble();
        for (int i = 0; i < d; i++) {
          column[i] = wa * a[i] + wb * b[i] + 0.1f * ((float) r.nextDouble() - 0.5f);
        }
        w.appendColumn(column);
      }
    }
  }
}
