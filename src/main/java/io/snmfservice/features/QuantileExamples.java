package io.snmfservice.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Examples by activation quantile for one feature, from one streaming pass over its active tokens.
 *
 * <p>The pass keeps a seeded uniform reservoir (Vitter's algorithm R) of at most {@code capacity} active tokens,
 * with their activations, and the exact minimum and maximum. At the end, with the m held activations sorted
 * x(1) ≤ … ≤ x(m), the bin edges are e₀ = min, e_B = max and e_b = x(⌈b·m/B⌉) (the inverted-CDF b/B-quantile);
 * bin b holds the activations in (e_b, e_{b+1}] (bin 0 also e₀), so without ties bin b is exactly the tokens of
 * ranks ⌈b·m/B⌉+1 … ⌈(b+1)·m/B⌉. Each bin's examples are a seeded uniform sample of the held tokens in it: the
 * reservoir is a uniform subset of the active tokens, so its members in a bin are a uniform subset of that bin.
 *
 * <p>When the feature has at most {@code capacity} active tokens the reservoir holds them all and the edges,
 * memberships and shares are exact; otherwise the interior edges and the shares are those of a uniform sample of
 * {@code capacity} (a quantile's rank is then off by about √(p(1−p)/capacity)), and {@link Bin#exact} says so.
 */
final class QuantileExamples {

  /** One bin: its bounds, the share of the feature's active tokens in it, and its sampled examples. */
  record Bin(int bin, float low, float high, double fraction, boolean exact, List<FeatureStatistics.Top> examples) {}

  private static final int INITIAL = 16;

  private final int capacity;
  private float[] values = new float[0];
  private int[] columns = new int[0];
  private int held;
  private long seen;
  private float min = Float.POSITIVE_INFINITY;
  private float max = Float.NEGATIVE_INFINITY;

  QuantileExamples(int capacity) {
    this.capacity = capacity;
  }

  /** Offers one active token (column {@code column}, activation {@code v}) to the reservoir. */
  void offer(float v, int column, SplittableRandom random) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    long s = seen++;
    if (s < capacity) {
      if (held == values.length) { // grows on demand: sparse features hold little
        int size = (int) Math.min(capacity, Math.max(INITIAL, 2L * values.length));
        values = Arrays.copyOf(values, size);
        columns = Arrays.copyOf(columns, size);
      }
      values[held] = v;
      columns[held++] = column;
    } else {
      long slot = random.nextLong(s + 1);
      if (slot < capacity) {
        values[(int) slot] = v;
        columns[(int) slot] = column;
      }
    }
  }

  /** The edges e₀ … e_bins of the held activations (none when no token was offered). */
  float[] edges(int bins) {
    if (held == 0) {
      return new float[0];
    }
    float[] sorted = Arrays.copyOf(values, held);
    Arrays.sort(sorted);
    float[] edges = new float[bins + 1];
    edges[0] = min;
    edges[bins] = max;
    for (int b = 1; b < bins; b++) {
      edges[b] = sorted[(int) (((long) b * held + bins - 1) / bins) - 1]; // x(⌈b·m/B⌉)
    }
    return edges;
  }

  /** The bin of {@code v} under {@code edges}: the first b with v ≤ e_{b+1}. */
  static int binOf(float v, float[] edges) {
    int bins = edges.length - 1;
    for (int b = 0; b < bins - 1; b++) {
      if (v <= edges[b + 1]) {
        return b;
      }
    }
    return bins - 1;
  }

  /**
   * The non-empty bins, strongest first, each with up to {@code perBin} examples drawn uniformly (seeded) from the
   * held tokens in it, by activation within a bin.
   */
  List<Bin> bins(int bins, int perBin, SplittableRandom random) {
    float[] edges = edges(bins);
    List<Bin> out = new ArrayList<>();
    if (held == 0) {
      return out;
    }
    List<List<Integer>> members = new ArrayList<>(bins);
    for (int b = 0; b < bins; b++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < held; i++) {
      members.get(binOf(values[i], edges)).add(i);
    }
    boolean exact = seen == held;
    for (int b = bins - 1; b >= 0; b--) {
      List<Integer> in = members.get(b);
      if (in.isEmpty()) {
        continue;
      }
      int take = Math.min(perBin, in.size());
      List<FeatureStatistics.Top> examples = new ArrayList<>(take);
      for (int t = 0; t < take; t++) { // partial Fisher–Yates: a uniform subset of the bin
        int pick = t + random.nextInt(in.size() - t);
        int i = in.set(pick, in.get(t));
        in.set(t, i);
        examples.add(new FeatureStatistics.Top(columns[i], values[i]));
      }
      examples.sort(Comparator.comparingDouble(FeatureStatistics.Top::activation).reversed()
          .thenComparingLong(FeatureStatistics.Top::column));
      out.add(new Bin(b, edges[b], edges[b + 1], (double) in.size() / held, exact, examples));
    }
    return out;
  }
}
