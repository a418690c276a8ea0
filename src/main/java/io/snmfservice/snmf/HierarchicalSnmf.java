package io.snmfservice.snmf;

import java.util.ArrayList;
import java.util.List;

/**
 * Hierarchical SNMF (DESIGN §2): factor A with K₁ features, then factor each level's F again with
 * fewer features, F_l ≈ F_{l+1} G_{l+1}ᵀ; G_{l+1} ≥ 0 links every fine feature to coarse ones.
 * Every level uses the same settings as the first except K (and one in-memory chunk).
 */
public final class HierarchicalSnmf {

  private final SnmfEngine engine;

  public HierarchicalSnmf(SnmfEngine engine) {
    this.engine = engine;
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
    if (ks.length == 0) {
      throw new SnmfValidationException("at least one level is required");
    }
    for (int l = 1; l < ks.length; l++) {
      if (ks[l] >= ks[l - 1]) {
        throw new SnmfValidationException("level sizes must decrease, got " + ks[l - 1] + " then " + ks[l]);
      }
    }
    SnmfResult first = engine.factorize(a, base.withK(ks[0]), listener, cancel);
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
      return new HierarchyResult(List.copyOf(levels), List.copyOf(links), first);
    } catch (RuntimeException e) {
      first.close();
      throw e;
    }
  }
}
