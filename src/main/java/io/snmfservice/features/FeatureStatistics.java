package io.snmfservice.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Per-feature statistics of token activations, each feature's top-activating tokens and its examples by activation
 * quantile, in two streaming passes over the rows of G. A token "activates" a feature when its coefficient exceeds
 * {@link #ACTIVE_FRACTION} of the feature's maximum (G comes from multiplicative updates, which shrink unused entries
 * towards 0 without reaching it). The second pass, which knows the maxima, also feeds each feature's active tokens
 * to a {@link QuantileExamples}: {@link #EXAMPLE_BINS} bins of equal count (deciles) over the active activations,
 * a few tokens sampled from each, so a reader sees what weak and medium activations look like too, not only the
 * extremes (seeded: the same factors give the same examples). Its memory is bounded by {@link #RESERVOIR_BUDGET}
 * tokens over all features ({@link #reservoirCapacity}).
 */
public final class FeatureStatistics {

  public static final double ACTIVE_FRACTION = 0.01;
  public static final int BINS = 20;
  /** Deciles: finer than quartiles where activations are heavy-tailed, the same count as SAEDashboard's groups. */
  public static final int EXAMPLE_BINS = 10;
  public static final int EXAMPLES_PER_BIN = 3;
  /** Active tokens held for the quantiles over all features: 4 Mi × 8 bytes = 32 MiB. */
  static final int RESERVOIR_BUDGET = 1 << 22;
  /** Active tokens held per feature at least, however many features (k × 512 bytes). */
  static final int MIN_RESERVOIR = 64;
  private static final int CHUNK = 8192;
  private static final long SAMPLING_SEED = 0x5eed_b1e5L;

  /** Rows of token activations: n tokens × k features. */
  public interface Rows {
    long n();

    int k();

    /** Rows [start, start+count) row-major (count × k). */
    double[] rows(long start, int count);
  }

  /** Activation statistics of one feature; the histogram has {@link #BINS} equal bins over [0, max]. */
  public record Stats(double frequency, double mean, double max, double[] binEdges, long[] counts) {}

  /** A token column and its activation. */
  public record Top(long column, double activation) {}

  /**
   * A token sampled from quantile bin {@code bin} (0 = weakest) of a feature, which spans ({@code low}, {@code high}]
   * of its activation (bin 0 includes {@code low}, the smallest active activation) and holds {@code fraction} of the
   * feature's active tokens; {@code exact} is false when the interior bounds and the share are estimated from a
   * sample ({@link QuantileExamples}).
   */
  public record Sample(int bin, double low, double high, double fraction, boolean exact, long column,
      double activation) {}

  /** @param examples per feature: sampled tokens, strongest bin first, by activation within a bin */
  public record Result(List<Stats> stats, List<List<Top>> top, List<List<Sample>> examples) {}

  private FeatureStatistics() {}

  /** @param checkpoint called between chunks (cancellation) */
  public static Result compute(Rows g, int topCount, Runnable checkpoint) {
    return compute(g, topCount, checkpoint, RESERVOIR_BUDGET, SAMPLING_SEED);
  }

  static Result compute(Rows g, int topCount, Runnable checkpoint, int reservoirBudget, long seed) {
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
    QuantileExamples[] quantiles = new QuantileExamples[k];
    int capacity = reservoirCapacity(k, reservoirBudget);
    for (int j = 0; j < k; j++) {
      quantiles[j] = new QuantileExamples(capacity);
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (long start = 0; start < n; start += CHUNK) {
      checkpoint.run();
      int count = (int) Math.min(CHUNK, n - start);
      double[] rows = g.rows(start, count);
      for (int r = 0; r < count; r++) {
        for (int j = 0; j < k; j++) {
          double v = rows[r * k + j];
          if (v > ACTIVE_FRACTION * max[j]) {
            active[j]++;
            quantiles[j].offer((float) v, (int) (start + r), random); // columns fit an int (TokenIndex)
          }
          int bin = max[j] > 0 ? (int) Math.min(BINS - 1, Math.floor(v / max[j] * BINS)) : 0;
          counts[j][bin]++;
        }
      }
    }
    List<Stats> stats = new ArrayList<>(k);
    List<List<Top>> top = new ArrayList<>(k);
    List<List<Sample>> examples = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      double[] edges = new double[BINS + 1];
      for (int b = 0; b <= BINS; b++) {
        edges[b] = max[j] * b / BINS;
      }
      stats.add(new Stats((double) active[j] / n, sum[j] / n, max[j], edges, counts[j]));
      List<Top> best = new ArrayList<>(heaps.get(j));
      best.sort(Comparator.comparingDouble(Top::activation).reversed().thenComparingLong(Top::column));
      top.add(best);
      examples.add(samples(quantiles[j].bins(EXAMPLE_BINS, EXAMPLES_PER_BIN, random)));
      quantiles[j] = null; // its reservoir is no longer needed
    }
    return new Result(stats, top, examples);
  }

  /** Tokens held per feature for its quantiles: the budget shared out, at least {@link #MIN_RESERVOIR}. */
  static int reservoirCapacity(int k, int budget) {
    return Math.max(MIN_RESERVOIR, budget / Math.max(1, k));
  }

  private static List<Sample> samples(List<QuantileExamples.Bin> bins) {
    List<Sample> out = new ArrayList<>();
    for (QuantileExamples.Bin bin : bins) {
      for (Top t : bin.examples()) {
        out.add(new Sample(bin.bin(), bin.low(), bin.high(), bin.fraction(), bin.exact(), t.column(),
            t.activation()));
      }
    }
    return out;
  }
}
