package io.snmfservice.steering;

import io.snmfservice.support.TestDevice;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import io.snmfservice.transformer.tokenize.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** stories260K, its (id-only) tokenizer and the steering part of its llama2.c reference fixture. */
final class StoriesModel {

  private StoriesModel() {}

  static Path path() {
    return Reference.shared("models", "stories260K", "stories260K.bin");
  }

  static HookedTransformer load() {
    return TransformerLoader.load(path(), TestDevice.get());
  }

  static TextTokenizer tokenizer(HookedTransformer model) {
    try {
      return Tokenizers.forModel(path(), model.config().vocabSize());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject reference() {
    return Reference.json(Reference.shared("fixtures", "stories260K-reference.json"));
  }

  /** The fixture's unit steering vector at its layer. */
  static SteeringVector fixtureVector() {
    JsonObject steering = reference().getAsJsonObject("steering");
    return SteeringVector.normalized(steering.get("layer").getAsInt(),
        Reference.floats(steering.getAsJsonArray("vector")));
  }
}
