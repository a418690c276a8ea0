package io.snmfservice.features;

import io.snmfservice.snmf.GFactor;
import java.util.List;

/**
 * How much each token uses each feature of one level: the rows of G (n×K, ≥ 0). For coarser levels of a
 * hierarchy the token coefficients are G₁·G₂·…·G_l, the fine coefficients pushed through the links.
 */
public final class TokenRows implements FeatureStatistics.Rows {

  private final GFactor g;
  private final List<double[][]> links;
  private final int k;

  private TokenRows(GFactor g, List<double[][]> links) {
    this.g = g;
    this.links = links;
    this.k = links.isEmpty() ? g.k() : links.get(links.size() - 1)[0].length;
  }

  /** Level 0: G itself. */
  public static TokenRows of(GFactor g) {
    return new TokenRows(g, List.of());
  }

  /** Level l: G₁ followed by the first l link matrices (each K_l × K_{l+1}). */
  public static TokenRows through(GFactor g, List<double[][]> links) {
    return new TokenRows(g, List.copyOf(links));
  }

  @Override
  public long n() {
    return g.n();
  }

  @Override
  public int k() {
    return k;
  }

  @Override
  public double[] rows(long start, int count) {
    double[] rows = g.readRows(start, count);
    int width = g.k();
    for (double[][] link : links) {
      int next = link[0].length;
      double[] out = new double[count * next];
      for (int r = 0; r < count; r++) {
        for (int i = 0; i < width; i++) {
          double v = rows[r * width + i];
          if (v != 0) {
            double[] li = link[i];
            for (int j = 0; j < next; j++) {
              out[r * next + j] += v * li[j];
            }
          }
        }
      }
      rows = out;
      width = next;
    }
    return rows;
  }
}
