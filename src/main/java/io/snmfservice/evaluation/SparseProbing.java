package io.snmfservice.evaluation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * k-sparse probing as SAEBench runs it: each sentence is one row of pooled candidate activations
 * ({@link PooledActivations}); on the training sentences the candidates are ranked by
 * <pre>
 *   |mean over positive rows − mean over negative rows|
 * </pre>
 * (descending, the lower index first among equals), the top k are kept, a {@link LogisticRegression} probe is fitted
 * on them, and its accuracy is measured on the held-out sentences. With k at least the number of candidates every
 * candidate is used in its own order, i.e. plain logistic regression on all columns.
 */
public final class SparseProbing {

  /** scikit-learn's default C, which SAEBench keeps. */
  public static final double C = 1.0;

  /**
   * One probe.
   *
   * @param k the k asked for; {@code chosen.length} is min(k, candidates)
   * @param chosen candidate (column) indices used, in rank order
   * @param testBalancedAccuracy the mean of the held-out true-positive and true-negative rates (with unbalanced
   *     classes plain accuracy has the majority share as its floor; SAEBench's datasets are balanced, where the two
   *     agree)
   */
  public record Result(int k, int[] chosen, double trainAccuracy, double testAccuracy, double testBalancedAccuracy,
      boolean converged) {}

  private SparseProbing() {}

  /**
   * @param rows pooled activations [sentence][candidate]
   * @param trainPos training rows of the concept, likewise {@code trainNeg}, {@code testPos}, {@code testNeg}
   */
  public static Result probe(double[][] rows, int[] trainPos, int[] trainNeg, int[] testPos, int[] testNeg, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1");
    }
    int candidates = rows[0].length;
    int[] chosen = k >= candidates ? IntStream.range(0, candidates).toArray() : topMeanDifference(rows, trainPos,
        trainNeg, k);
    double[][] trainX = select(rows, chosen, trainPos, trainNeg);
    boolean[] trainY = labels(trainPos.length, trainNeg.length);
    LogisticRegression.Model model = LogisticRegression.fit(trainX, trainY, C);
    double[][] testX = select(rows, chosen, testPos, testNeg);
    double test = model.accuracy(testX, labels(testPos.length, testNeg.length));
    int truePositives = 0;
    for (int i = 0; i < testPos.length; i++) {
      truePositives += model.predict(testX[i]) ? 1 : 0;
    }
    int trueNegatives = 0;
    for (int i = testPos.length; i < testX.length; i++) {
      trueNegatives += model.predict(testX[i]) ? 0 : 1;
    }
    double balanced = ((double) truePositives / testPos.length + (double) trueNegatives / testNeg.length) / 2;
    return new Result(k, chosen, model.accuracy(trainX, trainY), test, balanced, model.converged());
  }

  /** The k columns with the largest |mean(positive) − mean(negative)| over the given rows. */
  static int[] topMeanDifference(double[][] rows, int[] positive, int[] negative, int k) {
    int candidates = rows[0].length;
    double[] difference = new double[candidates];
    for (int c = 0; c < candidates; c++) {
      difference[c] = Math.abs(mean(rows, positive, c) - mean(rows, negative, c));
    }
    return IntStream.range(0, candidates).boxed()
        .sorted(Comparator.<Integer>comparingDouble(c -> -difference[c]).thenComparingInt(c -> c))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  private static double mean(double[][] rows, int[] which, int column) {
    double sum = 0;
    for (int r : which) {
      sum += rows[r][column];
    }
    return sum / which.length;
  }

  /** Rows {@code positive} then {@code negative}, restricted to the chosen columns. */
  static double[][] select(double[][] rows, int[] columns, int[] positive, int[] negative) {
    double[][] out = new double[positive.length + negative.length][];
    int i = 0;
    for (int[] part : new int[][] {positive, negative}) {
      for (int r : part) {
        double[] row = new double[columns.length];
        for (int j = 0; j < columns.length; j++) {
          row[j] = rows[r][columns[j]];
        }
        out[i++] = row;
      }
    }
    return out;
  }

  static boolean[] labels(int positives, int negatives) {
    boolean[] y = new boolean[positives + negatives];
    Arrays.fill(y, 0, positives, true);
    return y;
  }
}
