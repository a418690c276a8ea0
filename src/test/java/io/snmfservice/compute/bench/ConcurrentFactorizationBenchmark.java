package io.snmfservice.compute.bench;

import io.snmfservice.compute.ComputeBudget;
import io.snmfservice.snmf.ActivationSource;
import io.snmfservice.snmf.CancellationSignal;
import io.snmfservice.snmf.SnmfConfig;
import io.snmfservice.snmf.SnmfEngine;
import io.snmfservice.snmf.SnmfProgressListener;
import io.snmfservice.snmf.SnmfResult;
import io.snmfservice.snmf.bench.GemmProbe;
import java.util.Locale;

/**
 * Two factorizations on one machine, as two jobs of a worker with {@code snmf.workers.threads=2}: one after the
 * other, both at once without a budget (each with all BLAS threads), and both at once through the process's
 * {@link ComputeBudget} (one heavy stage at a time). Prints wall seconds of each.
 * Run: java -cp ... ConcurrentFactorizationBenchmark [d] [n] [k] [iterations] [rounds].
 */
public final class ConcurrentFactorizationBenchmark {

  private ConcurrentFactorizationBenchmark() {}

  public static void main(String[] args) {
    int d = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    ActivationSource a = ActivationSource.ofColumnMajor(GemmProbe.random(d * n, 7), d, n);
    SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(iterations).withPatience(iterations).withChunkColumns(16384);
    SnmfEngine engine = new SnmfEngine();
    run(engine, a, cfg); // warm-up
    System.out.printf(Locale.ROOT, "d=%d n=%d K=%d iterations=%d, cores=%d%n", d, n, k, iterations,
        Runtime.getRuntime().availableProcessors());
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      run(engine, a, cfg);
      run(engine, a, cfg);
      double sequential = seconds(t0);
      t0 = System.nanoTime();
      both(() -> run(engine, a, cfg));
      double together = seconds(t0);
      ComputeBudget budget = new ComputeBudget(1);
      t0 = System.nanoTime();
      both(() -> {
        try (ComputeBudget.Permit p = budget.acquire(() -> {}, m -> {})) {
          run(engine, a, cfg);
        }
      });
      double budgeted = seconds(t0);
      System.out.printf(Locale.ROOT, "round %d: one after the other %.2f s, together without budget %.2f s,"
          + " together with budget %.2f s%n", r + 1, sequential, together, budgeted);
    }
  }

  /** Two threads of their own, as two worker threads (the common pool has one thread on two cores). */
  private static void both(Runnable job) {
    Thread first = new Thread(job);
    Thread second = new Thread(job);
    first.start();
    second.start();
    try {
      first.join();
      second.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void run(SnmfEngine engine, ActivationSource a, SnmfConfig cfg) {
    try (SnmfResult r = engine.factorize(a, cfg, SnmfProgressListener.NONE, CancellationSignal.NEVER)) {
      if (r.iterations() == 0) {
        throw new IllegalStateException("no iterations");
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
