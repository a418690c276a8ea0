package io.snmfservice.transformer.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HuggingFaceTextTokenizerTest {

  private static final Path FORTUNES = Path.of("..", "shared", "models", "fortunes-byte-gpt2");

  @TempDir
  Path dir;

  @Test
  void wordLevelTokenizerRoundTripsWithoutAddingItsTemplateBos() throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [
           {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
            "normalized": false, "special": true},
           {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false,
            "normalized": false, "special": true},
           {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false,
            "normalized": false, "special": true}],
         "normalizer": null,
         "pre_tokenizer": {"type": "Whitespace"},
         "post_processor": {"type": "TemplateProcessing",
           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                    {"Sequence": {"id": "B", "type_id": 1}}],
           "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
         "decoder": null,
         "model": {"type": "WordLevel", "unk_token": "[UNK]",
           "vocab": {"[UNK]": 0, "<s>": 1, "</s>": 2, "the": 3, "cat": 4, "sat": 5, "on": 6, "mat": 7}}}
        """);
    Files.writeString(dir.resolve("tokenizer_config.json"),
        "{\"bos_token\": \"<s>\", \"eos_token\": {\"content\": \"</s>\", \"special\": true}}");

    try (TextTokenizer tokenizer = HuggingFaceTextTokenizer.open(dir)) {
      int[] ids = tokenizer.encode("the cat sat on the mat");

      assertThat(ids).containsExactly(3, 4, 5, 6, 3, 7);
      assertThat(tokenizer.decode(ids)).isEqualTo("the cat sat on the mat");
      assertThat(tokenizer.encode("the dog")).containsExactly(3, 0);
      assertThat(tokenizer.decode(new int[] {1, 4, 5, 2})).isEqualTo("cat sat");
      assertThat(tokenizer.tokenText(7)).isEqualTo("mat");
      assertThat(tokenizer.tokenText(1)).isEqualTo("<s>");
      assertThat(tokenizer.vocabSize()).isEqualTo(8);
      assertThat(tokenizer.bosId()).hasValue(1);
      assertThat(tokenizer.eosId()).hasValue(2);
    }
  }

  @Test
  void bpeTokenizerAppliesItsMergesAndRoundTrips() throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), """
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
         "normalizer": null,
         "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
         "post_processor": null,
         "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
         "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
           "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
           "vocab": {"\u2581": 0, "a": 1, "b": 2, "c": 3, "\u2581a": 4, "\u2581ab": 5, "\u2581abc": 6, "ab": 7},
           "merges": ["\u2581 a", "\u2581a b", "\u2581ab c", "a b"]}}
        """);
    Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 0, \"eos_token_id\": [3, 2]}");

    try (TextTokenizer tokenizer = HuggingFaceTextTokenizer.open(dir.resolve("tokenizer.json"))) {
      // ▁abc merges fully; "cab" → ▁ c ab (▁c is no merge, then a b)
      assertThat(tokenizer.encode("abc ab")).containsExactly(6, 5);
      assertThat(tokenizer.encode("cab")).containsExactly(0, 3, 7);
      assertThat(tokenizer.decode(tokenizer.encode("abc ab cab b"))).isEqualTo("abc ab cab b");
      assertThat(tokenizer.vocabSize()).isEqualTo(8);
      assertThat(tokenizer.bosId()).hasValue(0);
      assertThat(tokenizer.eosId()).hasValue(3);
    }
  }

  @Test
  void byteLevelFortunesTokenizerMapsUtf8BytesToIdsInFiveLanguages() throws IOException {
    String[] texts = {
        "A fortune cookie says: you will write tests.",
        "Über Größe und Mühe: schöne Grüße aus Köln!",
        "¿Dónde está el niño? ¡Mañana será otro día, señor!",
        "Perché è così difficile? Più caffè, città già piena.",
        "Não há coração sem emoção; você é o açúcar.",
    };
    try (TextTokenizer tokenizer = HuggingFaceTextTokenizer.open(FORTUNES)) {
      for (String text : texts) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] expected = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
          expected[i] = utf8[i] & 0xFF;
        }

        int[] ids = tokenizer.encode(text);

        assertThat(ids).as(text).containsExactly(expected);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
      }
      assertThat(tokenizer.vocabSize()).isEqualTo(257);
      assertThat(tokenizer.bosId()).hasValue(256);
      assertThat(tokenizer.eosId()).hasValue(256);
      assertThat(tokenizer.tokenText(256)).isEqualTo("<|endoftext|>");
      assertThat(tokenizer.tokenText(' ')).isEqualTo(" ");
      assertThat(tokenizer.tokenText('q')).isEqualTo("q");
      assertThat(tokenizer.decode(new int[] {256, 'H', 'i', 256})).isEqualTo("Hi");
    }
  }

  @Test
  void longTextIsNeitherTruncatedNorPadded() throws IOException {
    String text = "Ein langer Text. ".repeat(100);

    try (TextTokenizer tokenizer = HuggingFaceTextTokenizer.open(FORTUNES)) {
      int[] ids = tokenizer.encode(text);

      assertThat(ids).hasSize(text.getBytes(StandardCharsets.UTF_8).length);
      assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }
  }
}
