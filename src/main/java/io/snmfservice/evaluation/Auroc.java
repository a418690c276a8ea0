package io.snmfservice.evaluation;

import java.util.Arrays;

/**
 * Area under the ROC curve of scores for positives vs negatives, rank-based (Mann–Whitney U):
 * <pre>
 *   AUROC = (R₊ − n₊(n₊+1)/2) / (n₊ · n₋)
 * </pre>
 * with R₊ the sum of the positives' ranks among all scores (1 = lowest) and tied scores given their mean rank, so
 * a tie counts ½ — the probability that a random positive scores above a random negative.
 */
public final class Auroc {

  private Auroc() {}

  public static double of(double[] positives, double[] negatives) {
    int nPos = positives.length;
    int nNeg = negatives.length;
    if (nPos == 0 || nNeg == 0) {
      throw new IllegalArgumentException("AUROC needs at least one positive and one negative");
    }
    double[] all = new double[nPos + nNeg];
    boolean[] positive = new boolean[all.length];
    System.arraycopy(positives, 0, all, 0, nPos);
    System.arraycopy(negatives, 0, all, nPos, nNeg);
    Arrays.fill(positive, 0, nPos, true);
    Integer[] order = new Integer[all.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
    double rankSum = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && all[order[j + 1]] == all[order[i]]) {
        j++;
      }
      double meanRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          rankSum += meanRank;
        }
      }
      i = j + 1;
    }
    return (rankSum - nPos * (nPos + 1) / 2.0) / ((double) nPos * nNeg);
  }
}
