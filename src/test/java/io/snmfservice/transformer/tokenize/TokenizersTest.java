package io.snmfservice.transformer.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

  @TempDir
  Path dir;

  @Test
  void choosesTheHuggingFaceTokenizerWhenTheModelHasTokenizerJson() throws IOException {
    try (TextTokenizer tokenizer = Tokenizers.forModel(Path.of("..", "shared", "models", "fortunes-byte-gpt2"), 257)) {
      assertThat(tokenizer).isInstanceOf(HuggingFaceTextTokenizer.class);
    }
  }

  @Test
  void choosesTheLlama2cTokenizerBesideACheckpointFile() throws IOException {
    List<String> pieces = new ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
    List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
    for (int b = 0; b < 256; b++) {
      pieces.add(String.format(Locale.ROOT, "<0x%02X>", b));
      scores.add(0f);
    }
    pieces.add(" ");
    scores.add(-1f);
    Llama2cTokenizerTest.writeTokenizerBin(dir.resolve("tokenizer.bin"), pieces, scores);
    Files.write(dir.resolve("model.bin"), new byte[28]);

    try (TextTokenizer tokenizer = Tokenizers.forModel(dir.resolve("model.bin"), 260)) {
      assertThat(tokenizer).isInstanceOf(Llama2cTokenizer.class);
      assertThat(tokenizer.vocabSize()).isEqualTo(260);
    }
  }

  @Test
  void fallsBackToTokenIdsForStories260K() throws IOException {
    Path checkpoint = Path.of("..", "shared", "models", "stories260K", "stories260K.bin");
    assertThat(checkpoint).isRegularFile();

    try (TextTokenizer tokenizer = Tokenizers.forModel(checkpoint, 512)) {
      assertThat(tokenizer).isInstanceOf(TokenIdTokenizer.class);
      assertThat(tokenizer.encode("<1> <461> <461>")).containsExactly(1, 461, 461);
      assertThat(tokenizer.vocabSize()).isEqualTo(512);
    }
  }
}
