package io.snmfservice.transformer.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenIdTokenizerTest {

  /** stories260K's vocabulary size. */
  private final TokenIdTokenizer tokenizer = new TokenIdTokenizer(512);

  @Test
  void readsIdsInAngleBracketsOrSeparatedByWhitespaceAndCommas() {
    assertThat(tokenizer.encode("<1> <461> <461>")).containsExactly(1, 461, 461);
    assertThat(tokenizer.encode("<1><461>")).containsExactly(1, 461);
    assertThat(tokenizer.encode(" 1, 461\n461 ")).containsExactly(1, 461, 461);
    assertThat(tokenizer.encode("1 <300>,7")).containsExactly(1, 300, 7);
  }

  @Test
  void spellsOtherTextInByteFallbackTokens() {
    String text = "Tür 1a";

    int[] ids = tokenizer.encode(text);

    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    assertThat(ids).hasSize(utf8.length);
    for (int i = 0; i < utf8.length; i++) {
      assertThat(ids[i]).isEqualTo((utf8[i] & 0xFF) + 3);
    }
    assertThat(tokenizer.decode(ids)).isEqualTo(text);
  }

  @Test
  void showsIdsAsAngleBracketsAndByteTokensAsText() {
    assertThat(tokenizer.tokenText(461)).isEqualTo("<461>");
    assertThat(tokenizer.tokenText(1)).isEqualTo("<1>");
    assertThat(tokenizer.tokenText(3 + 'a')).isEqualTo("a");
    assertThat(tokenizer.tokenText(3 + '\n')).isEqualTo("<0x0A>");
    assertThat(tokenizer.tokenText(3 + 0xC3)).isEqualTo("<0xC3>");
  }

  @Test
  void decodesByteRunsAsUtf8AndOtherIdsAsAngleBrackets() {
    int[] ids = {1, 300, 3 + 'H', 3 + 0xC3, 3 + 0xA9, 301, 3 + 0xFF};

    assertThat(tokenizer.decode(ids)).isEqualTo("<1><300>Hé<301><0xFF>");
    assertThat(tokenizer.decode(tokenizer.encode("<1> <461> <461>"))).isEqualTo("<1><461><461>");
  }

  @Test
  void rejectsIdsOutsideTheVocabulary() {
    assertThatThrownBy(() -> tokenizer.encode("<1> <512>")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512");
    assertThatThrownBy(() -> tokenizer.tokenText(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void usesLlama2cBosAndEos() {
    assertThat(tokenizer.bosId()).hasValue(1);
    assertThat(tokenizer.eosId()).hasValue(2);
    assertThat(tokenizer.vocabSize()).isEqualTo(512);
  }
}
