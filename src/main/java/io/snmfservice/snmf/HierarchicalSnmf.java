package io.snmfservice.snmf;

import java.util.ArrayList;
import java.util.List;

/**
 * Hierarchical SNMF (docs/architecture.md, SNMF): factor A with K₁ features, then factor each level's F again with
 * fewer features, F_l ≈ F_{l+1} G_{l+1}ᵀ; G_{l+1} ≥ 0 links every fine feature to coarse ones.
 * Every level uses the same settings as the first except K (and one in-memory chunk).
 */
public final class HierarchicalSnmf {

  private final SnmfEngine engine;
  /** Level 1 (the factorization of A itself); the later levels are small and run on the engine. */
  private final Factorizer firstLevel;

  public HierarchicalSnmf(SnmfEngine engine) {
    this(engine, engine::factorize);
  }

  public HierarchicalSnmf(SnmfEngine engine, Factorizer firstLevel) {
    this.engine = engine;
    this.firstLevel = firstLevel;
  }

  public HierarchicalSnmf() {
    this(new SnmfEngine());
  }

  /**
   * @param ks strictly decreasing feature counts K₁ &gt; K₂ &gt; …
   * @param base settings of level 1 (its k is replaced by ks[0])
   */
  public HierarchyResult factorize(ActivationSource a, int[] ks, SnmfConfig base, SnmfProgressListener listener,
      CancellationSignal cancel) {
    return factorize(a, ks, base, null, listener, cancel);
  }

  /**
   * As above, then optionally fine-tunes all levels jointly (fineTune null: none). The fine-tune
   * holds G₁ (n×K₁) in host memory, so it suits n up to a few million.
   */
  public HierarchyResult factorize(ActivationSource a, int[] ks, SnmfConfig base, FineTune fineTune,
      SnmfProgressListener listener, CancellationSignal cancel) {
    if (ks.length == 0) {
      throw new SnmfValidationException("at least one level is required");
    }
    for (int l = 1; l < ks.length; l++) {
      if (ks[l] >= ks[l - 1]) {
        throw new SnmfValidationException("level sizes must decrease, got " + ks[l - 1] + " then " + ks[l]);
      }
    }
    SnmfResult first = firstLevel.factorize(a, base.withK(ks[0]), listener, cancel);
    try {
      List<HierarchyLevel> levels = new ArrayList<>();
      List<double[][]> links = new ArrayList<>();
      levels.add(new HierarchyLevel(ks[0], first.d(), first.f(), first.relativeError()));
      double[] f = first.f();
      for (int l = 1; l < ks.length; l++) {
        int fine = ks[l - 1];
        SnmfConfig cfg = base.withK(ks[l]).withChunkColumns(fine).withGSpillDirectory(null);
        try (SnmfResult next = engine.factorize(ActivationSource.ofColumnMajor(f, a.d(), fine), cfg,
            SnmfProgressListener.NONE, cancel)) {
          levels.add(new HierarchyLevel(ks[l], next.d(), next.f(), next.relativeError()));
          links.add(next.g().toArray());
          f = next.f();
        }
      }
      if (fineTune == null || ks.length < 2) {
        return new HierarchyResult(List.copyOf(levels), List.copyOf(links), first, new double[0]);
      }
      return fineTuned(a, ks, base, fineTune, cancel, first, levels, links);
    } catch (RuntimeException e) {
      first.close();
      throw e;
    }
  }

  private HierarchyResult fineTuned(ActivationSource a, int[] ks, SnmfConfig base, FineTune fineTune,
      CancellationSignal cancel, SnmfResult first, List<HierarchyLevel> levels, List<double[][]> links) {
    int d = a.d();
    int n = Math.toIntExact(a.n());
    int top = ks.length - 1;
    double[][] gs = new double[ks.length][];
    gs[0] = first.g().readRows(0, n);
    for (int l = 1; l < ks.length; l++) {
      double[][] link = links.get(l - 1);
      gs[l] = new double[link.length * ks[l]];
      for (int i = 0; i < link.length; i++) {
        System.arraycopy(link[i], 0, gs[l], i * ks[l], ks[l]);
      }
    }
    double[] fTop = HierarchyFineTune.columnToRowMajor(levels.get(top).f(), d, ks[top]);
    double[] mse;
    try (TensorOps ops = engine.newOps(base.precision())) {
      mse = HierarchyFineTune.run(ops, a, base.chunkColumns(), fTop, gs, ks, fineTune, cancel);
    }
    // every level's F follows from the tuned top F and links: F_l = F_{l+1} G_{l+1}ᵀ
    double[][] fRows = new double[ks.length][];
    fRows[top] = fTop;
    for (int l = top - 1; l >= 0; l--) {
      double[] next = fRows[l + 1];
      double[] f = new double[d * ks[l]];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < ks[l]; j++) {
          double s = 0;
          for (int q = 0; q < ks[l + 1]; q++) {
            s += next[i * ks[l + 1] + q] * gs[l + 1][j * ks[l + 1] + q];
          }
          f[i * ks[l] + j] = s;
        }
      }
      fRows[l] = f;
    }
    List<HierarchyLevel> tunedLevels = new ArrayList<>();
    List<double[][]> tunedLinks = new ArrayList<>();
    for (int l = 0; l < ks.length; l++) {
      double[] f = HierarchyFineTune.rowToColumnMajor(fRows[l], d, ks[l]);
      tunedLevels.add(new HierarchyLevel(ks[l], d, f, levels.get(l).relativeError()));
      if (l > 0) {
        double[][] link = new double[ks[l - 1]][ks[l]];
        for (int i = 0; i < ks[l - 1]; i++) {
          System.arraycopy(gs[l], i * ks[l], link[i], 0, ks[l]);
        }
        tunedLinks.add(link);
      }
    }
    first.g().overwrite(gs[0]);
    System.arraycopy(tunedLevels.get(0).f(), 0, first.f(), 0, first.f().length);
    return new HierarchyResult(List.copyOf(tunedLevels), List.copyOf(tunedLinks), first, mse);
  }
}
