package io.snmfservice.snmf;

import java.nio.file.Path;

/**
 * Settings of one factorization (docs/architecture.md, SNMF).
 *
 * @param k number of features K
 * @param sparsity fraction s of each column of F kept by winner-take-all, in (0, 1]; 1 disables it
 * @param init how G is initialised
 * @param seed seed of every random choice
 * @param maxIterations upper bound on iterations
 * @param patience stop after this many iterations without improvement
 * @param epsilon ridge of the F solve and denominator guard of the G update (official: 1e-6)
 * @param tolerance an iteration improves when loss &lt; best − tolerance (official: 1e-4, absolute)
 * @param chunkColumns columns of A per chunk (one pass reads A chunk by chunk)
 * @param precision element type of A chunks and G
 * @param gSpillDirectory where G chunks live on disk; null keeps G in (native) memory
 */
public record SnmfConfig(
    int k,
    double sparsity,
    SnmfInit init,
    long seed,
    int maxIterations,
    int patience,
    double epsilon,
    double tolerance,
    int chunkColumns,
    SnmfPrecision precision,
    Path gSpillDirectory) {

  public static final double DEFAULT_SPARSITY = 0.01;
  public static final double DEFAULT_EPSILON = 1e-6;
  public static final double DEFAULT_TOLERANCE = 1e-4;

  public SnmfConfig {
    if (k < 1) {
      throw new SnmfValidationException("k must be at least 1, got " + k);
    }
    if (!(sparsity > 0 && sparsity <= 1)) {
      throw new SnmfValidationException("sparsity must be in (0, 1], got " + sparsity);
    }
    if (init == null || precision == null) {
      throw new SnmfValidationException("init and precision are required");
    }
    if (maxIterations < 1 || patience < 1) {
      throw new SnmfValidationException("maxIterations and patience must be at least 1");
    }
    if (!(epsilon > 0) || !(tolerance >= 0)) {
      throw new SnmfValidationException("epsilon must be positive and tolerance non-negative");
    }
    if (chunkColumns < 1) {
      throw new SnmfValidationException("chunkColumns must be at least 1, got " + chunkColumns);
    }
  }

  /** Official defaults: s 0.01, random init, seed 0, 1000 iterations, patience 50, chunks of 4096. */
  public static SnmfConfig of(int k) {
    return new SnmfConfig(k, DEFAULT_SPARSITY, SnmfInit.RANDOM, 0L, 1000, 50, DEFAULT_EPSILON,
        DEFAULT_TOLERANCE, 4096, SnmfPrecision.FLOAT32, null);
  }

  public SnmfConfig withSparsity(double s) {
    return new SnmfConfig(k, s, init, seed, maxIterations, patience, epsilon, tolerance, chunkColumns,
        precision, gSpillDirectory);
  }

  public SnmfConfig withInit(SnmfInit i) {
    return new SnmfConfig(k, sparsity, i, seed, maxIterations, patience, epsilon, tolerance, chunkColumns,
        precision, gSpillDirectory);
  }

  public SnmfConfig withSeed(long s) {
    return new SnmfConfig(k, sparsity, init, s, maxIterations, patience, epsilon, tolerance, chunkColumns,
        precision, gSpillDirectory);
  }

  public SnmfConfig withMaxIterations(int m) {
    return new SnmfConfig(k, sparsity, init, seed, m, patience, epsilon, tolerance, chunkColumns,
        precision, gSpillDirectory);
  }

  public SnmfConfig withPatience(int p) {
    return new SnmfConfig(k, sparsity, init, seed, maxIterations, p, epsilon, tolerance, chunkColumns,
        precision, gSpillDirectory);
  }

  public SnmfConfig withChunkColumns(int c) {
    return new SnmfConfig(k, sparsity, init, seed, maxIterations, patience, epsilon, tolerance, c,
        precision, gSpillDirectory);
  }

  public SnmfConfig withPrecision(SnmfPrecision p) {
    return new SnmfConfig(k, sparsity, init, seed, maxIterations, patience, epsilon, tolerance, chunkColumns,
        p, gSpillDirectory);
  }

  public SnmfConfig withGSpillDirectory(Path dir) {
    return new SnmfConfig(k, sparsity, init, seed, maxIterations, patience, epsilon, tolerance, chunkColumns,
        precision, dir);
  }

  public SnmfConfig withK(int newK) {
    return new SnmfConfig(newK, sparsity, init, seed, maxIterations, patience, epsilon, tolerance, chunkColumns,
        precision, gSpillDirectory);
  }

  /** Entries kept per column of F: ⌈s·d⌉, at least 1 (computed as the official code does). */
  public int keptPerColumn(int d) {
    return (int) Math.max(1, Math.min(d, Math.ceil(sparsity * d)));
  }
}
