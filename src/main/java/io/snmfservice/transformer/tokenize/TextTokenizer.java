package io.snmfservice.transformer.tokenize;

import java.util.OptionalInt;

/**
 * Text to token ids and back, the same way whatever the model's tokenizer is. {@link #encode} never adds BOS or
 * other special tokens (callers prepend {@link #bosId()} where the model expects it); {@link #decode} leaves
 * control tokens (BOS, EOS) out of the text.
 */
public interface TextTokenizer extends AutoCloseable {

  /** The ids of the text's tokens, without BOS/EOS. */
  int[] encode(String text);

  /** The text of a sequence of ids, control tokens left out. */
  String decode(int[] ids);

  /** How one token is shown to a person, e.g. in a list of top-activating tokens. */
  String tokenText(int id);

  /** Number of token ids: every id is in {@code [0, vocabSize)}. */
  int vocabSize();

  OptionalInt bosId();

  OptionalInt eosId();

  /** Releases native resources, if any. */
  @Override
  default void close() {
  }

  /** Throws unless {@code 0 <= id < vocabSize()}. */
  default void checkId(int id) {
    if (id < 0 || id >= vocabSize()) {
      throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
    }
  }
}
