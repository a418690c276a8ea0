package io.snmfservice.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Per-feature statistics of token activations and each feature's top-activating tokens, in two streaming passes
 * over the rows of G. A token "activates" a feature when its coefficient exceeds {@link #ACTIVE_FRACTION} of the
 * feature's maximum (G comes from multiplicative updates, which shrink unused entries towards 0 without reaching it).
 */
public final class FeatureStatistics {

  public static final double ACTIVE_FRACTION = 0.01;
  public static final int BINS = 20;
  private static final int CHUNK = 8192;

  /** Activation statistics of one feature; the histogram has {@link #BINS} equal bins over [0, max]. */
  public record Stats(double frequency, double mean, double max, double[] binEdges, long[] counts) {}

  /** A token column and its activation. */
  public record Top(long column, double activation) {}

  public record Result(List<Stats> stats, List<List<Top>> top) {}

  private FeatureStatistics() {}

  /** @param checkpoint called between chunks (cancellation) */
  public static Result compute(TokenRows g, int topCount, Runnable checkpoint) {
    int k = g.k();
    long n = g.n();
    double[] sum = new double[k];
    double[] max = new double[k];
    List<PriorityQueue<Top>> heaps = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      heaps.add(new PriorityQueue<>(Comparator.comparingDouble(Top::activation).thenComparing(t -> -t.column())));
    }
    for (long start = 0; start < n; start += CHUNK) {
      checkpoint.run();
      int count = (int) Math.min(CHUNK, n - start);
      double[] rows = g.rows(start, count);
      for (int r = 0; r < count; r++) {
        for (int j = 0; j < k; j++) {
          double v = rows[r * k + j];
          sum[j] += v;
          max[j] = Math.max(max[j], v);
          PriorityQueue<Top> heap = heaps.get(j);
          if (heap.size() < topCount) {
            heap.add(new Top(start + r, v));
          } else if (v > heap.peek().activation()) {
            heap.poll();
            heap.add(new Top(start + r, v));
          }
        }
      }
    }
    long[] active = new long[k];
    long[][] counts = new long[k][BINS];
    for (long start = 0; start < n; start += CHUNK) {
      checkpoint.run();
      int count = (int) Math.min(CHUNK, n - start);
      double[] rows = g.rows(start, count);
      for (int r = 0; r < count; r++) {
        for (int j = 0; j < k; j++) {
          double v = rows[r * k + j];
          if (v > ACTIVE_FRACTION * max[j]) {
            active[j]++;
          }
          int bin = max[j] > 0 ? (int) Math.min(BINS - 1, Math.floor(v / max[j] * BINS)) : 0;
          counts[j][bin]++;
        }
      }
    }
    List<Stats> stats = new ArrayList<>(k);
    List<List<Top>> top = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      double[] edges = new double[BINS + 1];
      for (int b = 0; b <= BINS; b++) {
        edges[b] = max[j] * b / BINS;
      }
      stats.add(new Stats((double) active[j] / n, sum[j] / n, max[j], edges, counts[j]));
      List<Top> best = new ArrayList<>(heaps.get(j));
      best.sort(Comparator.comparingDouble(Top::activation).reversed().thenComparingLong(Top::column));
      top.add(best);
    }
    return new Result(stats, top);
  }
}
