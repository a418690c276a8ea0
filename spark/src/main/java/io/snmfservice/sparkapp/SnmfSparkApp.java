package io.snmfservice.sparkapp;

import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfInit;
import io.snmfservice.snmf.SnmfIterations;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.SnmfValidationException;
import io.snmfservice.snmf.StoredResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The data-parallel SNMF as a Spark application (issue #17): the same iteration loop as the single-machine engine
 * ({@link SnmfIterations}) with a pass over Spark partitions ({@link SparkPass}). Arguments are key=value: input
 * (activation file), output (result directory, shared with the service), k, sparsity, seed, maxIterations, patience,
 * epsilon, tolerance, chunkColumns, precision, partitions (0: Spark's default parallelism). Writes progress.tsv
 * (iteration, loss, epoch milliseconds per line) as it goes and the result as {@link StoredResult} at the end.
 */
public final class SnmfSparkApp {

  private SnmfSparkApp() {}

  public static void main(String[] args) {
    Map<String, String> p = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      p.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    SnmfConfig cfg = new SnmfConfig(Integer.parseInt(p.get("k")), Double.parseDouble(p.get("sparsity")),
        SnmfInit.RANDOM, Long.parseLong(p.get("seed")), Integer.parseInt(p.get("maxIterations")),
        Integer.parseInt(p.get("patience")), Double.parseDouble(p.get("epsilon")),
        Double.parseDouble(p.get("tolerance")), Integer.parseInt(p.get("chunkColumns")),
        SnmfPrecision.valueOf(p.getOrDefault("precision", "FLOAT32").toUpperCase(Locale.ROOT)), null);
    Path input = Path.of(p.get("input"));
    Path output = Path.of(p.get("output"));
    int partitions = Integer.parseInt(p.getOrDefault("partitions", "0"));
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("snmf " + input.getFileName()))) {
      sc.setLogLevel("WARN");
      run(sc, input, output, cfg, partitions > 0 ? partitions : sc.defaultParallelism());
    }
  }

  static void run(JavaSparkContext sc, Path input, Path output, SnmfConfig cfg, int partitions) {
    int chunk = cfg.chunkColumns();
    ColumnShards shards = new FileColumnRanges(input, partitions, chunk);
    if (cfg.k() > Math.min(shards.d(), shards.n())) {
      throw new SnmfValidationException("k=" + cfg.k() + " exceeds min(d, n) = " + Math.min(shards.d(), shards.n()));
    }
    SparkPass pass = new SparkPass(sc, shards, cfg);
    try {
      Files.createDirectories(output);
      Files.deleteIfExists(output.resolve(StoredResult.G_FILE));
      try (Writer progress = Files.newBufferedWriter(output.resolve("progress.tsv"), StandardCharsets.UTF_8)) {
        PartialSums initial = pass.initial();
        if (initial.normA2 == 0) {
          throw new SnmfValidationException("A is identically zero");
        }
        SnmfIterations.Outcome out = SnmfIterations.run(shards.d(), cfg,
            new SnmfIterations.Sums(initial.m, initial.s), initial.normA2, pass, (iteration, loss) -> {
              try {
                progress.write(iteration + "\t" + loss + "\t" + System.currentTimeMillis() + "\n");
                progress.flush();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
        int k = cfg.k();
        String dir = output.toAbsolutePath().toString();
        pass.slot(out.bestSlot()).foreach(g -> g.write(Path.of(dir), k));
        StoredResult.writeSummary(output, shards.n(), (int) Math.min(chunk, shards.n()), cfg.precision(),
            shards.d(), k, out.bestF(), out.losses(), out.bestIteration(), out.relativeError());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
