package io.snmfservice.steering;

import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/** Turns base-prompt texts into the token ids the model sees: BOS (when the model has one) + encode(text). */
public final class BasePrompts {

  /** The paper's base prompt. */
  public static final String DEFAULT = "I think that";

  private BasePrompts() {}

  /**
   * @param bosId the model's BOS id, or a negative number when it has none
   * @throws IllegalArgumentException for an empty list or a prompt that encodes to no tokens
   */
  public static List<int[]> encode(TextTokenizer tokenizer, int bosId, List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("need at least one base prompt");
    }
    List<int[]> out = new ArrayList<>();
    for (String text : texts) {
      int[] ids = tokenizer.encode(text);
      if (ids.length == 0) {
        throw new IllegalArgumentException("base prompt '" + text + "' has no tokens");
      }
      if (bosId >= 0) {
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosId;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        ids = withBos;
      }
      out.add(ids);
    }
    return out;
  }
}
