package io.snmfservice.transformer.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * For models without a tokenizer (stories260K): token ids written as text, with the SentencePiece id layout of
 * llama2.c models — 0 unknown, 1 BOS, 2 EOS, 3..258 the byte-fallback tokens {@code <0x00>..<0xFF>}.
 *
 * <p>{@link #encode} reads ids written as {@code <1> <461> <461>} or {@code 1, 461 461}; any other text is
 * spelled in byte-fallback tokens (UTF-8 byte b → id b + 3), which every such model understands.
 * {@link #decode} turns runs of byte tokens into UTF-8 text and shows every other id as {@code <id>}.
 */
public final class TokenIdTokenizer implements TextTokenizer {

  static final int BOS = 1;
  static final int EOS = 2;
  static final int FIRST_BYTE = 3;
  static final int LAST_BYTE = FIRST_BYTE + 255;

  private final int vocabSize;

  public TokenIdTokenizer(int vocabSize) {
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("vocabulary size must be positive, was " + vocabSize);
    }
    this.vocabSize = vocabSize;
  }

  @Override
  public int[] encode(String text) {
    int[] ids = parseIds(text);
    if (ids == null) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      ids = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        ids[i] = FIRST_BYTE + (bytes[i] & 0xFF);
      }
    }
    for (int id : ids) {
      checkId(id);
    }
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder text = new StringBuilder();
    Utf8Text.Bytes pending = new Utf8Text.Bytes();
    boolean hasPending = false;
    for (int id : ids) {
      checkId(id);
      if (isByte(id)) {
        pending.add(id - FIRST_BYTE);
        hasPending = true;
        continue;
      }
      if (hasPending) {
        text.append(pending.text());
        pending = new Utf8Text.Bytes();
        hasPending = false;
      }
      text.append('<').append(id).append('>');
    }
    if (hasPending) {
      text.append(pending.text());
    }
    return text.toString();
  }

  /** {@code <id>}, or for a byte token its printable ASCII character, else {@code <0xNN>}. */
  @Override
  public String tokenText(int id) {
    checkId(id);
    if (isByte(id)) {
      int b = id - FIRST_BYTE;
      return b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : Utf8Text.byteLabel((byte) b);
    }
    return "<" + id + ">";
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public OptionalInt bosId() {
    return vocabSize > BOS ? OptionalInt.of(BOS) : OptionalInt.empty();
  }

  @Override
  public OptionalInt eosId() {
    return vocabSize > EOS ? OptionalInt.of(EOS) : OptionalInt.empty();
  }

  private boolean isByte(int id) {
    return id >= FIRST_BYTE && id <= LAST_BYTE && id < vocabSize;
  }

  /** Ids separated by whitespace or commas, each bare or in angle brackets; {@code null} if the text is not that. */
  static int[] parseIds(String text) {
    int[] ids = new int[8];
    int count = 0;
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
        i++;
      }
      if (i == n) {
        break;
      }
      boolean bracketed = text.charAt(i) == '<';
      if (bracketed) {
        i++;
      }
      int start = i;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
      }
      if (i == start || i - start > 9) {
        return null;
      }
      int id = Integer.parseInt(text, start, i, 10);
      if (bracketed) {
        if (i == n || text.charAt(i) != '>') {
          return null;
        }
        i++;
      } else if (i < n && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != ','
          && text.charAt(i) != '<') {
        return null;
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
      }
      ids[count++] = id;
    }
    return count == 0 ? null : Arrays.copyOf(ids, count);
  }
}
