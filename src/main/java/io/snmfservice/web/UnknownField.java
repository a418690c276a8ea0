package io.snmfservice.web;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The sentence for a request field the service does not know: where it is, the nearest accepted name when one is
 * close enough to be a slip of the keyboard, and every accepted name, e.g. {@code unknown field "maxIteration"; did
 * you mean "maxIterations"? accepted: modelId, datasetId, ...}.
 */
final class UnknownField {

  /** Longer names are cut in the answer: it names the field, it need not echo a whole body. */
  private static final int MAX_ECHOED = 100;
  /** Most edits between a name and the one suggested for it. */
  private static final int MAX_EDITS = 3;

  private UnknownField() {}

  /**
   * @param path where the field is, e.g. {@code steering.klTarget} or {@code concepts[0].sentence}
   * @param name the field's own name, the last part of {@code path}
   * @param accepted the names the object at that place accepts
   */
  static String describe(String path, String name, Collection<?> accepted) {
    List<String> names = accepted == null ? List.of() : accepted.stream().map(String::valueOf).toList();
    StringBuilder sb = new StringBuilder("unknown field \"").append(cut(path.isEmpty() ? name : path)).append('"');
    String nearest = nearest(name, names);
    sb.append(nearest == null ? ";" : "; did you mean \"" + nearest + "\"?");
    sb.append(names.isEmpty() ? " the object accepts no fields" : " accepted: " + String.join(", ", names));
    return sb.toString();
  }

  /**
   * The accepted name fewest edits away (letter case not counted), if it is at most {@value #MAX_EDITS} edits and
   * at most a third of the shorter name away: {@code maxIteration} gives {@code maxIterations}, {@code model_id}
   * {@code modelId}, but {@code x} does not give {@code k}.
   */
  static String nearest(String name, List<String> accepted) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : accepted) {
      if (Math.abs(name.length() - candidate.length()) > MAX_EDITS) {
        continue; // too far whatever the letters; spares a long made-up name the quadratic distance
      }
      int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    boolean plausible = best != null && bestDistance <= MAX_EDITS
        && 3 * bestDistance <= Math.min(name.length(), best.length());
    return plausible ? best : null;
  }

  /** Levenshtein distance: insertions, deletions and substitutions that turn {@code a} into {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String cut(String s) {
    return s.length() <= MAX_ECHOED ? s : s.substring(0, MAX_ECHOED) + "...";
  }
}
