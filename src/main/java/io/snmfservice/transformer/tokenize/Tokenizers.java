package io.snmfservice.transformer.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the tokenizer a model comes with. */
public final class Tokenizers {

  private Tokenizers() {
  }

  /**
   * {@code tokenizer.json} → Hugging Face tokenizer; else {@code tokenizer.bin} → llama2.c tokenizer; else token
   * ids written as text ({@link TokenIdTokenizer}).
   *
   * @param modelPath the model directory, or a checkpoint file (e.g. a llama2.c {@code .bin}) whose directory is
   *     searched
   * @param vocabSize the model's vocabulary size, for the id-only mode
   */
  public static TextTokenizer forModel(Path modelPath, int vocabSize) throws IOException {
    Path dir = Files.isDirectory(modelPath) ? modelPath : modelPath.toAbsolutePath().getParent();
    if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      return HuggingFaceTextTokenizer.open(dir.resolve("tokenizer.json"));
    }
    if (Files.isRegularFile(dir.resolve("tokenizer.bin"))) {
      return Llama2cTokenizer.read(dir.resolve("tokenizer.bin"));
    }
    return new TokenIdTokenizer(vocabSize);
  }
}
