package io.snmfservice.steering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The tokens whose next-token logits rise and fall most under steering, at the last base-prompt token:
 * Δ_v = mean over prompts of (steered_v − base_v). Rising: the N largest Δ (descending), falling: the N
 * smallest (ascending, most negative first); ties by token id.
 */
public final class LogitShift {

  /** The paper's top-50. */
  public static final int DEFAULT_TOP = 50;

  /** One token's logit change. */
  public record TokenShift(int tokenId, String text, double delta) {}

  /** Rising and falling tokens of one steering setting. */
  public record Shifts(List<TokenShift> rising, List<TokenShift> falling) {}

  private LogitShift() {}

  /**
   * @param base unsteered logits {@code [prompt][vocab]}
   * @param steered steered logits {@code [prompt][vocab]}
   * @param top N, clipped to the vocabulary size
   * @param tokenText how to show a token id
   */
  public static Shifts topShifts(float[][] base, float[][] steered, int top, IntFunction<String> tokenText) {
    if (top < 1) {
      throw new IllegalArgumentException("top must be ≥ 1, got " + top);
    }
    double[] delta = meanDelta(base, steered);
    Integer[] order = new Integer[delta.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(v -> -delta[v]).thenComparingInt(v -> v));
    int n = Math.min(top, delta.length);
    List<TokenShift> rising = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rising.add(new TokenShift(order[i], tokenText.apply(order[i]), delta[order[i]]));
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(v -> delta[v]).thenComparingInt(v -> v));
    List<TokenShift> falling = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      falling.add(new TokenShift(order[i], tokenText.apply(order[i]), delta[order[i]]));
    }
    return new Shifts(List.copyOf(rising), List.copyOf(falling));
  }

  /** Δ_v = (1/P) Σ_p (steered[p][v] − base[p][v]). */
  public static double[] meanDelta(float[][] base, float[][] steered) {
    if (base.length == 0 || base.length != steered.length) {
      throw new IllegalArgumentException("need the same non-zero number of base and steered rows");
    }
    double[] delta = new double[base[0].length];
    for (int p = 0; p < base.length; p++) {
      for (int v = 0; v < delta.length; v++) {
        delta[v] += ((double) steered[p][v] - base[p][v]) / base.length;
      }
    }
    return delta;
  }
}
