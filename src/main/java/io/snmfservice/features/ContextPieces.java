package io.snmfservice.features;

import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.Arrays;

/**
 * Splits the decoded text of a token window over its tokens, so a reader sees real text with each token's share
 * marked. Byte-level and BPE tokens may each hold part of one character (a German "ü" is two tokens of the
 * byte-level GPT-2); such tokens are grouped: the last token of a group carries the whole character(s), the others
 * carry "". A boundary between tokens counts only where the decoded prefix is final text (not ending in U+FFFD,
 * a prefix of the whole window's text). A window cut out of a document may start or end inside a character; those
 * stray bytes (U+FFFD at the window's edges) are left out, so the pieces never show a replacement character.
 */
public final class ContextPieces {

  private ContextPieces() {}

  public static String[] of(TextTokenizer tokenizer, int[] ids) {
    int n = ids.length;
    String whole = tokenizer.decode(ids);
    String[] pieces = new String[n];
    Arrays.fill(pieces, "");
    String committed = "";
    for (int j = 1; j <= n; j++) {
      String prefix = j == n ? whole : tokenizer.decode(Arrays.copyOf(ids, j));
      boolean stable = j == n || (!prefix.endsWith("\uFFFD") && whole.startsWith(prefix)
          && prefix.length() >= committed.length());
      if (stable) {
        pieces[j - 1] = prefix.substring(Math.min(committed.length(), prefix.length()));
        committed = prefix;
      }
    }
    trimEdges(pieces);
    return pieces;
  }

  /** Drops U+FFFD at the start of the first piece with text and at the end of the last one. */
  private static void trimEdges(String[] pieces) {
    for (int i = 0; i < pieces.length; i++) {
      if (!pieces[i].isEmpty()) {
        pieces[i] = pieces[i].replaceFirst("^\uFFFD+", "");
        if (!pieces[i].isEmpty()) {
          break;
        }
      }
    }
    for (int i = pieces.length - 1; i >= 0; i--) {
      if (!pieces[i].isEmpty()) {
        pieces[i] = pieces[i].replaceFirst("\uFFFD+$", "");
        if (!pieces[i].isEmpty()) {
          break;
        }
      }
    }
  }
}
