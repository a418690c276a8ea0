package io.snmfservice.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Per-feature statistics of token activations and each feature's top-activating tokens, in two streaming passes
 * over the rows of G. A token "activates" a feature when its coefficient exceeds {@link #ACTIVE_FRACTION} of the
 * feature's maximum (G comes from multiplicative updates, which shrink unused entries towards 0 without reaching it).
 * Besides the top tokens, the second pass samples a few tokens from each of {@link #EXAMPLE_BINS} equal-width
 * intervals of the active range, so a reader sees what weak and medium activations look like too, not only the
 * extremes (reservoir sampling, seeded: the same factors give the same examples).
 */
public final class FeatureStatistics {

  public static final double ACTIVE_FRACTION = 0.01;
  public static final int BINS = 20;
  public static final int EXAMPLE_BINS = 4;
  public static final int EXAMPLES_PER_BIN = 3;
  private static final int CHUNK = 8192;
  private static final long SAMPLING_SEED = 0x5eed_b1e5L;

  /** Activation statistics of one feature; the histogram has {@link #BINS} equal bins over [0, max]. */
  public record Stats(double frequency, double mean, double max, double[] binEdges, long[] counts) {}

  /** A token column and its activation. */
  public record Top(long column, double activation) {}

  /**
   * A token sampled from activation interval {@code bin} (0 = weakest) of a feature, which spans
   * ({@code low}, {@code high}] of its activation.
   */
  public record Sample(int bin, double low, double high, long column, double activation) {}

  /** @param examples per feature: sampled tokens, strongest interval first, by activation within an interval */
  public record Result(List<Stats> stats, List<List<Top>> top, List<List<Sample>> examples) {}

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
    long[][] seen = new long[k][EXAMPLE_BINS];
    Top[][][] reservoirs = new Top[k][EXAMPLE_BINS][EXAMPLES_PER_BIN];
    SplittableRandom random = new SplittableRandom(SAMPLING_SEED);
    for (long start = 0; start < n; start += CHUNK) {
      checkpoint.run();
      int count = (int) Math.min(CHUNK, n - start);
      double[] rows = g.rows(start, count);
      for (int r = 0; r < count; r++) {
        for (int j = 0; j < k; j++) {
          double v = rows[r * k + j];
          if (v > ACTIVE_FRACTION * max[j]) {
            active[j]++;
            int b = exampleBin(v, max[j]);
            long s = seen[j][b]++;
            if (s < EXAMPLES_PER_BIN) {
              reservoirs[j][b][(int) s] = new Top(start + r, v);
            } else {
              long slot = random.nextLong(s + 1);
              if (slot < EXAMPLES_PER_BIN) {
                reservoirs[j][b][(int) slot] = new Top(start + r, v);
              }
            }
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
      examples.add(samples(reservoirs[j], max[j]));
    }
    return new Result(stats, top, examples);
  }

  /** Interval of the active range (ACTIVE_FRACTION·max, max] that holds {@code v}, 0 = weakest. */
  static int exampleBin(double v, double max) {
    double lowest = ACTIVE_FRACTION * max;
    int bin = (int) Math.floor((v - lowest) / (max - lowest) * EXAMPLE_BINS);
    return Math.max(0, Math.min(EXAMPLE_BINS - 1, bin));
  }

  private static List<Sample> samples(Top[][] reservoirs, double max) {
    double lowest = ACTIVE_FRACTION * max;
    double width = (max - lowest) / EXAMPLE_BINS;
    List<Sample> out = new ArrayList<>();
    for (int b = EXAMPLE_BINS - 1; b >= 0; b--) {
      List<Top> bin = new ArrayList<>();
      for (Top t : reservoirs[b]) {
        if (t != null) {
          bin.add(t);
        }
      }
      bin.sort(Comparator.comparingDouble(Top::activation).reversed().thenComparingLong(Top::column));
      for (Top t : bin) {
        out.add(new Sample(b, lowest + b * width, lowest + (b + 1) * width, t.column(), t.activation()));
      }
    }
    return out;
  }
}
