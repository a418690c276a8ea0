package io.snmfservice.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.transformer.tokenize.TextTokenizer;
import io.snmfservice.transformer.tokenize.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token windows of the byte-level fortunes GPT-2 (one token per UTF-8 byte) become readable pieces. */
class ContextPiecesTest {

  static TextTokenizer tokenizer;

  @BeforeAll
  static void load() throws Exception {
    tokenizer = Tokenizers.forModel(Path.of("../shared/models/fortunes-byte-gpt2"), 257);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static int[] bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = b[i] & 0xFF;
    }
    return ids;
  }

  @Test
  void multiByteCharactersAreCarriedWholeByTheirLastByte() {
    int[] ids = bytes("Grüße, mañana €5");
    assertThat(tokenizer.encode("Grüße, mañana €5")).isEqualTo(ids);
    String[] pieces = ContextPieces.of(tokenizer, ids);
    assertThat(String.join("", pieces)).isEqualTo("Grüße, mañana €5");
    assertThat(pieces).hasSize(ids.length);
    assertThat(Arrays.copyOfRange(pieces, 0, 5)).containsExactly("G", "r", "", "ü", "");
    assertThat(pieces[5]).isEqualTo("ß");
    assertThat(String.join("|", pieces)).doesNotContain("\uFFFD");
  }

  @Test
  void windowsCutInsideACharacterLeaveTheStrayBytesOut() {
    int[] ids = bytes("über größer");
    int[] cut = Arrays.copyOfRange(ids, 1, ids.length - 1); // starts with ü's second byte
    int[] cutBoth = Arrays.copyOfRange(ids, 1, 9); // ü's second byte … "gr" and ö's first byte
    assertThat(String.join("", ContextPieces.of(tokenizer, cut))).isEqualTo("ber größe");
    String[] pieces = ContextPieces.of(tokenizer, cutBoth);
    assertThat(String.join("", pieces)).isEqualTo("ber gr");
    assertThat(pieces[0]).isEmpty();
    assertThat(pieces[pieces.length - 1]).isEmpty();
  }
}
