package io.snmfservice.explanations;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The examples of the fuzzing test (after EleutherAI delphi's fuzzing scorer, see docs/metrics.md): held-out
 * activating contexts with the feature's own tokens marked — every token whose activation reaches
 * {@link #THRESHOLD} of the context's largest — and non-activating contexts with as many tokens marked (the mean
 * count marked in the activating ones, rounded up): the token the context was taken for, then random others. Marked
 * tokens are wrapped in ⟦…⟧, neighbours in one pair. Plain Java, deterministic for a seed.
 */
public final class FuzzSamples {

  /** Share of a context's largest activation at which a token counts as activating (delphi's default). */
  public static final double THRESHOLD = 0.3;

  private FuzzSamples() {}

  /**
   * A tokenized context.
   *
   * @param activations the described feature's activation per token (only read for activating contexts)
   * @param firing the token the context was taken for (its top-input position)
   */
  public record Window(List<String> tokens, List<Float> activations, int firing) {}

  /** A text shown to the judge, and whether its marks are the truly activating tokens. */
  public record Sample(String text, boolean correctlyMarked) {}

  /** The activating samples first, then the wrongly marked ones; contexts with nothing to mark are left out. */
  public static List<Sample> of(List<Window> activating, List<Window> nonActivating, long seed) {
    List<Sample> correct = new ArrayList<>();
    int marked = 0;
    for (Window w : activating) {
      Set<Integer> active = activePositions(w.activations());
      if (!active.isEmpty()) {
        correct.add(new Sample(highlight(w.tokens(), active), true));
        marked += active.size();
      }
    }
    int wrongMarks = correct.isEmpty() ? 1 : Math.max(1, (marked + correct.size() - 1) / correct.size());
    Random random = new Random(seed);
    List<Sample> out = new ArrayList<>(correct);
    for (Window w : nonActivating) {
      if (!w.tokens().isEmpty()) {
        out.add(new Sample(highlight(w.tokens(), randomPositions(w, wrongMarks, random)), false));
      }
    }
    return out;
  }

  /** Positions with activation ≥ THRESHOLD · max, none when the context never rises above 0. */
  static Set<Integer> activePositions(List<Float> activations) {
    float max = 0;
    for (Float a : activations) {
      max = Math.max(max, a);
    }
    Set<Integer> out = new TreeSet<>();
    for (int i = 0; max > 0 && i < activations.size(); i++) {
      if (activations.get(i) >= THRESHOLD * max) {
        out.add(i);
      }
    }
    return out;
  }

  /** The firing token (when inside the window) and random other positions, {@code count} in all at most. */
  private static Set<Integer> randomPositions(Window w, int count, Random random) {
    int n = w.tokens().size();
    Set<Integer> out = new TreeSet<>();
    if (w.firing() >= 0 && w.firing() < n) {
      out.add(w.firing());
    }
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!out.contains(i)) {
        others.add(i);
      }
    }
    Collections.shuffle(others, random);
    for (int i = 0; out.size() < Math.min(count, n); i++) {
      out.add(others.get(i));
    }
    return out;
  }

  /** The tokens joined, each run of marked positions wrapped in ⟦…⟧, on one line. */
  static String highlight(List<String> tokens, Set<Integer> marked) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      boolean on = marked.contains(i);
      if (on && !marked.contains(i - 1)) {
        out.append('⟦');
      }
      out.append(tokens.get(i));
      if (on && !marked.contains(i + 1)) {
        out.append('⟧');
      }
    }
    return out.toString().replace('\n', ' ');
  }
}
