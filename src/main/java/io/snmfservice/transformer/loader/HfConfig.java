package io.snmfservice.transformer.loader;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Typed reads of a Hugging Face {@code config.json}, with defaults for absent (or null) keys. */
final class HfConfig {

  private final JsonObject json;
  private final Path path;

  private HfConfig(JsonObject json, Path path) {
    this.json = json;
    this.path = path;
  }

  static HfConfig read(Path file) {
    try {
      return new HfConfig(JsonParser.parseString(Files.readString(file)).getAsJsonObject(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  boolean has(String key) {
    return json.has(key) && !json.get(key).isJsonNull();
  }

  int integer(String key) {
    if (!has(key)) {
      throw new IllegalArgumentException(path + " lacks " + key);
    }
    return json.get(key).getAsInt();
  }

  int integer(String key, int fallback) {
    return has(key) ? json.get(key).getAsInt() : fallback;
  }

  /** A token id that may be written as a list (first entry counts) or absent (−1). */
  int tokenId(String key, int fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonElement value = json.get(key);
    return value.isJsonArray() ? value.getAsJsonArray().get(0).getAsInt() : value.getAsInt();
  }

  double number(String key, double fallback) {
    return has(key) ? json.get(key).getAsDouble() : fallback;
  }

  boolean flag(String key, boolean fallback) {
    return has(key) ? json.get(key).getAsBoolean() : fallback;
  }

  String text(String key, String fallback) {
    return has(key) ? json.get(key).getAsString() : fallback;
  }

  com.google.gson.JsonArray array(String key) {
    return has(key) && json.get(key).isJsonArray() ? json.getAsJsonArray(key) : new com.google.gson.JsonArray();
  }

  JsonObject object(String key) {
    return has(key) && json.get(key).isJsonObject() ? json.getAsJsonObject(key) : null;
  }

  /** {@code model_type}, or derived from {@code architectures[0]}. */
  String modelType() {
    if (has("model_type")) {
      return json.get("model_type").getAsString();
    }
    if (has("architectures")) {
      String arch = json.getAsJsonArray("architectures").get(0).getAsString();
      return switch (arch) {
        case "LlamaForCausalLM" -> "llama";
        case "GPT2LMHeadModel" -> "gpt2";
        case "Gemma2ForCausalLM" -> "gemma2";
        default -> arch;
      };
    }
    throw new IllegalArgumentException(path + " names neither model_type nor architectures");
  }

  Path path() {
    return path;
  }
}
