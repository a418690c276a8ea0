package io.snmfservice.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a checkpoint's shape without loading its weights: the 7-int header of a llama2.c {@code .bin}, or the
 * {@code config.json} of a Hugging Face directory. Throws {@link IllegalArgumentException} with a readable reason
 * when the files are not a supported checkpoint.
 */
public final class CheckpointInspector {

  private final JsonMapper json;

  public CheckpointInspector(JsonMapper json) {
    this.json = json;
  }

  public ModelShape llama2c(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no llama2.c checkpoint file at " + file);
    }
    ByteBuffer header = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(header.array(), 0, 28) != 28) {
        throw new IllegalArgumentException(file + " is too short to be a llama2.c checkpoint");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    int dim = header.getInt();
    int hidden = header.getInt();
    int layers = header.getInt();
    int heads = header.getInt();
    int kvHeads = header.getInt();
    int vocab = Math.abs(header.getInt());
    int seqLen = header.getInt();
    boolean plausible =
        dim > 0 && dim <= 65536 && hidden > 0 && hidden <= 1 << 20 && layers > 0 && layers <= 1024
            && heads > 0 && dim % heads == 0 && kvHeads > 0 && heads % kvHeads == 0 && vocab > 0 && seqLen > 0;
    if (!plausible) {
      throw new IllegalArgumentException(file + " does not have a valid llama2.c header");
    }
    return new ModelShape("llama", layers, dim, hidden, vocab);
  }

  public ModelShape huggingFaceDirectory(Path dir) {
    Path config = dir.resolve("config.json");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no directory at " + dir);
    }
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException(dir + " has no config.json (expected Hugging Face layout)");
    }
    JsonNode c;
    try {
      c = json.readTree(Files.readString(config));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(config + " is not valid JSON: " + e.getMessage());
    }
    String type = c.path("model_type").asString("").toLowerCase(Locale.ROOT);
    return switch (type) {
      case "gpt2" -> {
        int d = c.path("n_embd").asInt();
        yield new ModelShape("gpt2", c.path("n_layer").asInt(), d, c.path("n_inner").asInt(4 * d),
            c.path("vocab_size").asInt());
      }
      case "llama", "gemma2" -> new ModelShape(type, c.path("num_hidden_layers").asInt(),
          c.path("hidden_size").asInt(), c.path("intermediate_size").asInt(), c.path("vocab_size").asInt());
      default -> throw new IllegalArgumentException(
          "model_type '" + type + "' is not supported (supported: gpt2, llama, gemma2)");
    };
  }
}
