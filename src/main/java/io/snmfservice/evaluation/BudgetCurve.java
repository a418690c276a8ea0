package io.snmfservice.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Detection and probing at equal budgets: a method may offer only B of its candidates, so that 50 SNMF features and
 * 1,024 SAE latents can be compared at the same B. The B candidates are drawn uniformly without looking at labels
 * (a seeded draw, repeated {@code draws} times; with B at least the method's size, once, all of them); within a
 * draw, detection picks the best training-half AUROC as the full comparison does and reports its held-out AUROC, and
 * probing picks its top k by mean difference among the B. Each point reports the mean, min and max over the draws.
 */
public final class BudgetCurve {

  /** Mean, min and max of one measure over the draws. */
  public record Spread(double mean, double min, double max) {

    static Spread of(double[] values) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return new Spread(sum / values.length, min, max);
    }
  }

  /**
   * One budget.
   *
   * @param budget B as asked; {@code offered} = min(B, candidates)
   * @param auroc held-out detection AUROC of the best candidate among those offered
   * @param probing held-out probing accuracy per k (only k ≤ offered)
   */
  public record Point(int budget, int offered, int draws, Spread auroc, Map<Integer, Spread> probing) {}

  /** The sentences of one concept, split as the comparison splits them. */
  public record Split(int[] trainPos, int[] trainNeg, int[] testPos, int[] testNeg) {}

  private BudgetCurve() {}

  /**
   * @param detection {@link CandidateScores#maxCosine} scores [sentence][candidate]
   * @param pooled {@link PooledActivations} rows [sentence][candidate], same candidates
   * @param seed makes the draws repeatable; the same seed gives the same subsets for every method of equal size
   */
  public static List<Point> compute(double[][] detection, double[][] pooled, Split split, int[] budgets, int draws,
      int[] ks, long seed) {
    int candidates = detection[0].length;
    List<Point> out = new ArrayList<>();
    for (int budget : budgets) {
      int offered = Math.min(budget, candidates);
      int n = offered == candidates ? 1 : draws;
      double[] auroc = new double[n];
      Map<Integer, double[]> probing = new LinkedHashMap<>();
      for (int k : ks) {
        if (k <= offered) {
          probing.put(k, new double[n]);
        }
      }
      SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * budget));
      for (int draw = 0; draw < n; draw++) {
        int[] subset = draw(candidates, offered, random);
        double[][] scores = columns(detection, subset);
        int best = (int) CandidateScores.best(scores, split.trainPos(), split.trainNeg())[0];
        auroc[draw] = Auroc.of(column(scores, split.testPos(), best), column(scores, split.testNeg(), best));
        double[][] rows = columns(pooled, subset);
        for (Map.Entry<Integer, double[]> e : probing.entrySet()) {
          e.getValue()[draw] = SparseProbing.probe(rows, split.trainPos(), split.trainNeg(), split.testPos(),
              split.testNeg(), e.getKey()).testAccuracy();
        }
      }
      Map<Integer, Spread> probes = new LinkedHashMap<>();
      probing.forEach((k, values) -> probes.put(k, Spread.of(values)));
      out.add(new Point(budget, offered, n, Spread.of(auroc), probes));
    }
    return out;
  }

  /** {@code size} distinct indices of {@code 0..n-1}, ascending; all of them when size = n. */
  static int[] draw(int n, int size, SplittableRandom random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    if (size < n) {
      for (int i = 0; i < size; i++) { // partial Fisher–Yates
        int j = i + random.nextInt(n - i);
        int t = all[i];
        all[i] = all[j];
        all[j] = t;
      }
    }
    int[] out = java.util.Arrays.copyOf(all, size);
    java.util.Arrays.sort(out);
    return out;
  }

  private static double[][] columns(double[][] matrix, int[] subset) {
    double[][] out = new double[matrix.length][subset.length];
    for (int r = 0; r < matrix.length; r++) {
      for (int j = 0; j < subset.length; j++) {
        out[r][j] = matrix[r][subset[j]];
      }
    }
    return out;
  }

  private static double[] column(double[][] matrix, int[] rows, int column) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = matrix[rows[i]][column];
    }
    return out;
  }
}
