package io.snmfservice.snmf;

import java.util.List;

/**
 * Levels from fine to coarse and the links between them: links.get(l)[i][j] ≥ 0 is how much fine
 * feature i of level l uses coarse feature j of level l+1 (the G of the coarser factorization,
 * F_l ≈ F_{l+1} G_{l+1}ᵀ). The level-1 token coefficients G₁ stay in {@link #tokens()}; close the
 * result to release them. After a joint fine-tune, every level's F is F_L G_Lᵀ ⋯ G_{l+1}ᵀ of the tuned
 * factors and fineTuneMse holds the mean squared error before each Adam step (empty without one).
 */
public record HierarchyResult(List<HierarchyLevel> levels, List<double[][]> links, SnmfResult tokens,
    double[] fineTuneMse) implements AutoCloseable {

  /** The coarse feature each fine feature of level l links to most strongly. */
  public int[] strongestParents(int level) {
    double[][] g = links.get(level);
    int[] out = new int[g.length];
    for (int i = 0; i < g.length; i++) {
      for (int j = 1; j < g[i].length; j++) {
        if (g[i][j] > g[i][out[i]]) {
          out[i] = j;
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    tokens.close();
  }
}
