package io.snmfservice.ui;

import io.snmfservice.features.read.FeatureViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A token window as text to read: the decoded text split into the pieces its tokens carry (tokens holding parts
 * of one character are one piece), each tinted by the feature's activation relative to {@code scale}, the active
 * token marked. Windows stored before pieces existed fall back to the per-token texts.
 */
record ContextView(List<Piece> pieces, float activation, String label) {

  /**
   * @param alpha tint opacity in [0, 1]
   * @param title the token(s) and activation, for the tooltip and screen readers
   */
  record Piece(String text, float activation, String alpha, boolean active, String title) {}

  static ContextView of(FeatureViews.TopInput input, double scale, String label) {
    int n = input.contextTokenIds().size();
    int activeAt = input.position() - input.contextStart();
    List<String> texts = input.contextPieces() != null && input.contextPieces().size() == n
        ? input.contextPieces() : input.contextTokens();
    boolean grouped = texts == input.contextPieces();
    List<Piece> pieces = new ArrayList<>();
    int groupStart = 0;
    for (int i = 0; i < n; i++) {
      if (grouped && texts.get(i).isEmpty() && i < n - 1) {
        continue; // part of a character that a later token completes
      }
      float max = 0;
      boolean active = false;
      StringBuilder tokens = new StringBuilder();
      for (int t = groupStart; t <= i; t++) {
        max = Math.max(max, input.contextActivations().get(t));
        active |= t == activeAt;
        tokens.append(tokens.isEmpty() ? "" : " + ").append(quote(input.contextTokens().get(t)));
      }
      double alpha = scale > 0 ? Math.max(0, Math.min(1, max / scale)) : 0;
      pieces.add(new Piece(visible(texts.get(i)), max, String.format(Locale.ROOT, "%.2f", alpha), active,
          tokens + String.format(Locale.ROOT, ": %.4g", max) + (active ? " (this token)" : "")));
      groupStart = i + 1;
    }
    return new ContextView(pieces, input.activation(), label);
  }

  /** Newlines and tabs shown as symbols so a window stays one line. */
  private static String visible(String s) {
    return s.replace("\r", "").replace("\n", "\u21b5").replace("\t", "\u21e5");
  }

  private static String quote(String token) {
    return "\u201c" + visible(token) + "\u201d";
  }
}
