package io.snmfservice.snmf;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Semi-nonnegative matrix factorization A ≈ F·Gᵀ (F mixed sign, G ≥ 0), exactly the paper's
 * update order (docs/architecture.md, SNMF), computed as one streaming pass over A per iteration:
 *
 * <ol>
 *   <li>F ← A G (GᵀG + εI)⁻¹, from the sums M = Σ A_c G_c and S = Σ G_cᵀ G_c of the previous pass;
 *   <li>winner-take-all: keep the ⌈s·d⌉ largest |F_ik| of each column (ties kept);
 *   <li>rescale f_k ← f_k ‖g_k‖, g_k ← g_k / ‖g_k‖ (‖g_k‖ = √S_kk, clamped at 1e-8; the G side is
 *       applied lazily when the next pass reads each G block);
 *   <li>the pass: for every chunk, G_c ← G_c ⊙ sqrt(([A_cᵀF]⁺ + G_c[FᵀF]⁻)/([A_cᵀF]⁻ + G_c[FᵀF]⁺ + ε))
 *       and M, S accumulate;
 *   <li>loss = ‖A‖² − 2 tr(FᵀM) + tr(FᵀF·S) = ‖A − FGᵀ‖²_F; keep the best (F, G); stop after
 *       maxIterations or patience iterations without loss &lt; best − tolerance.
 * </ol>
 *
 * An in-memory matrix is the same computation on chunks of an array (uploaded once and cached). Steps 1–3 and 5
 * are {@link SnmfIterations}, shared with the Spark application, whose pass folds {@link ChunkStep} over partitions.
 */
public final class SnmfEngine {

  private static final int KMEANS_ITERATIONS = 15;

  private final Function<SnmfPrecision, TensorOps> backend;

  /** ND4J backend (CPU by default, CUDA with the {@code cuda} profile). */
  public SnmfEngine() {
    this(Nd4jTensorOps::new);
  }

  public SnmfEngine(Function<SnmfPrecision, TensorOps> backend) {
    this.backend = backend;
  }

  public SnmfResult factorize(ActivationSource a, SnmfConfig cfg, SnmfProgressListener listener,
      CancellationSignal cancel) {
    return run(a, cfg, null, listener, cancel, SnmfCheckpoints.NONE);
  }

  /**
   * As above, saving the iteration state to {@code checkpoints} as it goes and, when they hold a save of this
   * run (same data shape and settings), resuming from it: the result equals that of an uninterrupted run.
   */
  public SnmfResult factorize(ActivationSource a, SnmfConfig cfg, SnmfProgressListener listener,
      CancellationSignal cancel, SnmfCheckpoints checkpoints) {
    return run(a, cfg, null, listener, cancel, checkpoints);
  }

  /** A fresh backend of this engine (the hierarchy fine-tune runs on the same one). */
  TensorOps newOps(SnmfPrecision precision) {
    return backend.apply(precision);
  }

  public SnmfResult factorize(ActivationSource a, SnmfConfig cfg) {
    return run(a, cfg, null, SnmfProgressListener.NONE, CancellationSignal.NEVER, SnmfCheckpoints.NONE);
  }

  /**
   * Starts from a given G₀ (n×K row-major, ≥ 0) instead of cfg.init(). No F₀ is needed: the first
   * step recomputes F from G.
   */
  public SnmfResult factorizeFrom(ActivationSource a, SnmfConfig cfg, double[] g0RowMajor,
      SnmfProgressListener listener, CancellationSignal cancel) {
    if (g0RowMajor.length != a.n() * cfg.k()) {
      throw new SnmfValidationException("G0 must have n*K = " + a.n() * cfg.k() + " values");
    }
    return run(a, cfg, g0RowMajor, listener, cancel, SnmfCheckpoints.NONE);
  }

  private SnmfResult run(ActivationSource a, SnmfConfig cfg, double[] g0, SnmfProgressListener listener,
      CancellationSignal cancel, SnmfCheckpoints checkpoints) {
    validateShape(a, cfg);
    TensorOps ops = backend.apply(cfg.precision());
    Run r = new Run(ops, a, cfg, listener, cancel, checkpoints);
    try {
      return r.execute(g0);
    } catch (RuntimeException | Error e) {
      r.closeAll();
      throw e;
    }
  }

  static void validateShape(ActivationSource a, SnmfConfig cfg) {
    if (a.d() < 1 || a.n() < 1) {
      throw new SnmfValidationException("A is empty (d=" + a.d() + ", n=" + a.n() + ")");
    }
    long limit = Math.min(a.d(), a.n());
    if (cfg.k() > limit) {
      throw new SnmfValidationException("k=" + cfg.k() + " exceeds min(d, n) = " + limit);
    }
  }

  /** The state of one factorization. */
  private static final class Run {
    private final TensorOps ops;
    private final ActivationSource source;
    private final SnmfConfig cfg;
    private final SnmfProgressListener listener;
    private final CancellationSignal cancel;
    private final SnmfCheckpoints checkpoints;
    private final int d;
    private final int k;
    private final ChunkLayout layout;
    private final GStore store;
    /** In-memory sources: each chunk uploaded once, in the first pass. */
    private final DeviceTensor[] cachedChunks;
    /** Other sources (files): read ahead of the compute on a thread of their own. */
    private final ChunkPrefetch prefetch;
    private boolean validated;
    private double normA2;
    private int completedIterations;

    Run(TensorOps ops, ActivationSource source, SnmfConfig cfg, SnmfProgressListener listener,
        CancellationSignal cancel, SnmfCheckpoints checkpoints) {
      this.ops = ops;
      this.checkpoints = checkpoints;
      this.source = source;
      this.cfg = cfg;
      this.listener = listener;
      this.cancel = cancel;
      this.d = source.d();
      this.k = cfg.k();
      int chunk = (int) Math.min(cfg.chunkColumns(), source.n());
      this.layout = new ChunkLayout(source.n(), chunk);
      this.store = cfg.gSpillDirectory() == null
          ? new MemoryGStore(SnmfIterations.SLOTS, layout.count())
          : new DiskGStore(ops, cfg.gSpillDirectory(), SnmfIterations.SLOTS, layout, k);
      this.cachedChunks = source.inMemory() ? new DeviceTensor[layout.count()] : null;
      this.prefetch = source.inMemory() ? null : new ChunkPrefetch(ops, source, layout, cfg.precision());
    }

    SnmfResult execute(double[] g0) {
      Optional<SnmfCheckpoints.State> saved = g0 == null
          ? checkpoints.load(fingerprint(), gBlocks(), wide())
          : Optional.empty();
      SnmfCheckpoints.State from;
      if (saved.isPresent()) {
        // load() put the saved current G into slot 0 and a different best G into slot 1
        from = saved.get();
        normA2 = from.normA2();
        validated = true;
        completedIterations = from.iteration();
      } else {
        SnmfIterations.Sums initial = initialPass(g0);
        from = SnmfCheckpoints.State.start(initial.m(), initial.s(), normA2);
      }
      SnmfIterations.Checkpoint checkpoint = new SnmfIterations.Checkpoint() {
        @Override
        public boolean due(int iteration) {
          return checkpoints.due(iteration);
        }

        @Override
        public void save(SnmfCheckpoints.State state, int currentSlot, int bestSlot) {
          checkpoints.save(fingerprint(), state, currentSlot, bestSlot, gBlocks(), wide());
        }
      };
      SnmfIterations.Outcome out = SnmfIterations.run(d, cfg, from, this::updatePass,
          (iteration, loss) -> {
            completedIterations = iteration;
            listener.onIteration(iteration, loss);
          }, checkpoint);
      releaseChunkCache();
      GFactor g = new GFactor(ops, store, out.bestSlot(), layout, k);
      AutoCloseable resources = () -> {
        store.close();
        ops.close();
      };
      return new SnmfResult(d, k, out.bestF(), g, out.losses(), out.bestIteration(), out.relativeError(), resources);
    }

    private boolean wide() {
      return cfg.precision() == SnmfPrecision.FLOAT64;
    }

    /** What identifies a run: a save of another one (other data shape or settings) is never resumed. */
    private String fingerprint() {
      return String.join(",", "d=" + d, "n=" + source.n(), "k=" + k, "s=" + cfg.sparsity(), "init=" + cfg.init(),
          "seed=" + cfg.seed(), "max=" + cfg.maxIterations(), "patience=" + cfg.patience(), "eps=" + cfg.epsilon(),
          "tol=" + cfg.tolerance(), "chunk=" + layout.chunkColumns(), "precision=" + cfg.precision());
    }

    /** The G slots of the store as host arrays, for checkpoints. */
    private SnmfCheckpoints.Blocks gBlocks() {
      return new SnmfCheckpoints.Blocks() {
        @Override
        public int count() {
          return layout.count();
        }

        @Override
        public int values(int chunk) {
          return layout.size(chunk) * k;
        }

        @Override
        public Object read(int slot, int chunk) {
          DeviceTensor block = store.read(slot, chunk);
          try {
            return wide() ? ops.toColumnMajorDouble(block) : ops.toColumnMajorFloat(block);
          } finally {
            store.release(block);
          }
        }

        @Override
        public void write(int slot, int chunk, Object values) {
          int rows = layout.size(chunk);
          store.write(slot, chunk, values instanceof double[] v
              ? ops.fromColumnMajor(v, rows, k)
              : ops.fromColumnMajor((float[]) values, rows, k));
        }
      };
    }

    private SnmfIterations.Sums updatePass(double[] f, double[] ftf, double[] gScale, int fromSlot, int toSlot) {
      SnmfIterations.Sums sums = SnmfIterations.Sums.zero(d, k);
      try (ChunkStep.Factor factor = ChunkStep.Factor.upload(ops, f, ftf, gScale, d, k)) {
        forEachChunk((chunk, a) -> {
          DeviceTensor stored = store.read(fromSlot, chunk);
          ChunkStep.Output out;
          try {
            out = ChunkStep.apply(ops, factor, a, stored, cfg.epsilon());
          } finally {
            store.release(stored);
          }
          sums.add(out.ag(), out.gtg());
          store.write(toSlot, chunk, out.g());
        });
      }
      return sums;
    }

    /** Writes G₀ into slot 0 and returns its sums (the F of iteration 1 needs only G₀). */
    private SnmfIterations.Sums initialPass(double[] g0) {
      BlockSource blocks;
      if (g0 != null) {
        blocks = (chunk, a) -> ops.fromColumnMajor(rowsToColumnMajor(g0, layout.start(chunk), layout.size(chunk)),
            layout.size(chunk), k);
      } else {
        blocks = switch (cfg.init()) {
          case RANDOM -> randomInit();
          case SVD -> svdInit();
          case KMEANS -> kmeansInit();
        };
      }
      SnmfIterations.Sums sums = SnmfIterations.Sums.zero(d, k);
      forEachChunk((chunk, a) -> {
        ChunkStep.Output out = ChunkStep.sums(ops, a, blocks.block(chunk, a));
        sums.add(out.ag(), out.gtg());
        store.write(0, chunk, out.g());
      });
      return sums;
    }

    private double[] rowsToColumnMajor(double[] rowMajor, long start, int rows) {
      double[] cm = new double[rows * k];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < k; j++) {
          double v = rowMajor[(int) ((start + i) * k + j)];
          if (!(v >= 0) || Double.isInfinite(v)) {
            throw new SnmfValidationException("G0 must be finite and non-negative");
          }
          cm[i + j * rows] = v;
        }
      }
      return cm;
    }

    /** G ~ U(0,1) clamped at 1e-6, drawn row by row so the values do not depend on chunking. */
    private BlockSource randomInit() {
      return (chunk, a) -> ops.fromColumnMajor(
          RandomInit.block(cfg.seed(), layout.start(chunk), layout.size(chunk), k), layout.size(chunk), k);
    }

    /**
     * Truncated SVD from the eigen-decomposition of AAᵀ = UΣ²Uᵀ (one pass), then per chunk
     * G_c = max(A_cᵀ U_K Σ_K^{-1/2}, ε) = max((√Σ_K V_Kᵀ)ᵀ, ε).
     */
    private BlockSource svdInit() {
      double[] aat = new double[d * d];
      forEachChunk((chunk, a) -> {
        try (DeviceTensor c = ops.gemm(a, false, a, true)) {
          double[] part = ops.toColumnMajorDouble(c);
          for (int i = 0; i < aat.length; i++) {
            aat[i] += part[i];
          }
        }
      });
      TensorOps.SymmetricEigen eig = ops.symmetricEigen(aat, d);
      double top = Math.max(eig.values()[d - 1], 0);
      double[] projection = new double[d * k];
      for (int j = 0; j < k; j++) {
        int col = d - 1 - j; // values ascend
        double sigma = Math.sqrt(Math.max(eig.values()[col], 0));
        double factor = sigma > 1e-12 * Math.sqrt(top) && sigma > 0 ? 1 / Math.sqrt(sigma) : 0;
        for (int i = 0; i < d; i++) {
          projection[j * d + i] = eig.vectors()[col * d + i] * factor;
        }
      }
      DeviceTensor u = ops.fromColumnMajor(projection, d, k);
      return (chunk, a) -> {
        double[] g;
        try (DeviceTensor v = ops.gemm(a, true, u, false)) {
          g = ops.toColumnMajorDouble(v);
        }
        if (chunk == layout.count() - 1) {
          u.close();
        }
        for (int i = 0; i < g.length; i++) {
          g[i] = Math.max(g[i], cfg.epsilon());
        }
        return ops.fromColumnMajor(g, layout.size(chunk), k);
      };
    }

    /** 15 Lloyd iterations from K distinct random columns; G = one-hot assignments clamped at ε. */
    private BlockSource kmeansInit() {
      SplittableRandom rng = new SplittableRandom(cfg.seed());
      double[] centroids = new double[d * k];
      long[] picks = rng.longs(0, source.n()).distinct().limit(k).toArray();
      float[] column = new float[d];
      for (int j = 0; j < k; j++) {
        source.readColumns(picks[j], 1, column);
        for (int i = 0; i < d; i++) {
          centroids[j * d + i] = column[i];
        }
      }
      for (int it = 0; it < KMEANS_ITERATIONS; it++) {
        double[] sums = new double[d * k];
        long[] counts = new long[k];
        double[] current = centroids;
        try (DeviceTensor c = ops.fromColumnMajor(current, d, k)) {
          double[] norms = columnNorms2(current);
          forEachChunk((chunk, a) -> {
            int[] assign = assign(a, c, norms);
            double[] oneHot = new double[assign.length * k];
            for (int i = 0; i < assign.length; i++) {
              oneHot[i + assign[i] * assign.length] = 1;
              counts[assign[i]]++;
            }
            try (DeviceTensor h = ops.fromColumnMajor(oneHot, assign.length, k);
                DeviceTensor s = ops.gemm(a, false, h, false)) {
              double[] part = ops.toColumnMajorDouble(s);
              for (int i = 0; i < part.length; i++) {
                sums[i] += part[i];
              }
            }
          });
        }
        for (int j = 0; j < k; j++) {
          if (counts[j] == 0) {
            source.readColumns(rng.nextLong(source.n()), 1, column);
            for (int i = 0; i < d; i++) {
              centroids[j * d + i] = column[i];
            }
          } else {
            for (int i = 0; i < d; i++) {
              centroids[j * d + i] = sums[j * d + i] / counts[j];
            }
          }
        }
      }
      DeviceTensor c = ops.fromColumnMajor(centroids, d, k);
      double[] norms = columnNorms2(centroids);
      return (chunk, a) -> {
        int[] assign = assign(a, c, norms);
        if (chunk == layout.count() - 1) {
          c.close();
        }
        double[] g = new double[assign.length * k];
        Arrays.fill(g, cfg.epsilon());
        for (int i = 0; i < assign.length; i++) {
          g[i + assign[i] * assign.length] = 1;
        }
        return ops.fromColumnMajor(g, assign.length, k);
      };
    }

    private double[] columnNorms2(double[] c) {
      double[] norms = new double[k];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i < d; i++) {
          norms[j] += c[j * d + i] * c[j * d + i];
        }
      }
      return norms;
    }

    /** Nearest centroid of each column: argmin_k ‖c_k‖² − 2 a·c_k (lowest index on ties). */
    private int[] assign(DeviceTensor a, DeviceTensor c, double[] norms2) {
      double[] dots;
      try (DeviceTensor p = ops.gemm(a, true, c, false)) {
        dots = ops.toColumnMajorDouble(p);
      }
      int rows = a.cols();
      int[] out = new int[rows];
      for (int i = 0; i < rows; i++) {
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          double v = norms2[j] - 2 * dots[i + j * rows];
          if (v < best) {
            best = v;
            out[i] = j;
          }
        }
      }
      return out;
    }

    @FunctionalInterface
    private interface BlockSource {
      /** G₀'s block for a chunk, n_c×K. */
      DeviceTensor block(int chunk, DeviceTensor a);
    }

    @FunctionalInterface
    private interface ChunkVisitor {
      void visit(int chunk, DeviceTensor a);
    }

    /**
     * One pass over A in chunk order. The first pass also validates A (finite values) and
     * measures ‖A‖²; in-memory sources keep their uploaded chunks for later passes.
     */
    private void forEachChunk(ChunkVisitor visitor) {
      if (cachedChunks != null) {
        for (int c = 0; c < layout.count(); c++) {
          checkCancelled();
          if (cachedChunks[c] == null) {
            cachedChunks[c] = uploadChecked(c);
          }
          visitor.visit(c, cachedChunks[c]);
        }
      } else {
        try (ChunkPrefetch.Pass pass = prefetch.pass(!validated)) {
          for (int c = 0; c < layout.count(); c++) {
            checkCancelled();
            visitor.visit(c, pass.next());
          }
          normA2 += pass.sumOfSquares();
        }
      }
      if (!validated) {
        validated = true;
        if (normA2 == 0) {
          throw new SnmfValidationException("A is identically zero");
        }
      }
    }

    private void checkCancelled() {
      if (cancel.isCancelled()) {
        throw new SnmfCancelledException(completedIterations);
      }
    }

    /** Reads an in-memory source's chunk, checks it and adds it to ‖A‖² (first pass), and uploads it. */
    private DeviceTensor uploadChecked(int c) {
      int count = layout.size(c);
      long start = layout.start(c);
      int length = Math.multiplyExact(count, d);
      if (cfg.precision() == SnmfPrecision.FLOAT64) {
        double[] v = new double[length];
        source.readColumns(start, count, v);
        normA2 += validated ? 0 : ChunkPrefetch.sumOfSquares(DoubleBuffer.wrap(v), length, d, start);
        return ops.fromColumnMajor(v, d, count);
      }
      float[] v = new float[length];
      source.readColumns(start, count, v);
      normA2 += validated ? 0 : ChunkPrefetch.sumOfSquares(FloatBuffer.wrap(v), length, d, start);
      return ops.fromColumnMajor(v, d, count);
    }

    private void releaseChunkCache() {
      if (prefetch != null) {
        prefetch.close();
      }
      if (cachedChunks != null) {
        for (int c = 0; c < cachedChunks.length; c++) {
          if (cachedChunks[c] != null) {
            cachedChunks[c].close();
            cachedChunks[c] = null;
          }
        }
      }
    }

    void closeAll() {
      releaseChunkCache();
      store.close();
      ops.close();
    }
  }
}
