package io.snmfservice.steering;

import io.snmfservice.support.TestDevice;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.SamplingConfig;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import io.snmfservice.transformer.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Steered greedy continuations of the byte-level GPT-2 against its PyTorch reference (full recompute, no cache). */
class FortunesSteeringTest {

  @Test
  void batchedSteeredGreedyGenerationReproducesTheReferenceContinuations() throws Exception {
    Path dir = Reference.shared("models", "fortunes-byte-gpt2");
    JsonObject reference = Reference.json(Reference.shared("fixtures", "fortunes-byte-gpt2-reference.json"));
    JsonObject steering = reference.getAsJsonObject("steering");
    SteeringVector vector = SteeringVector.normalized(steering.get("layer").getAsInt(),
        Reference.floats(steering.getAsJsonArray("vector")));
    double alpha = steering.get("alpha").getAsDouble() * vector.originalNorm();
    try (HookedTransformer model = TransformerLoader.load(dir, TestDevice.get());
        TextTokenizer tokenizer = Tokenizers.forModel(dir, model.config().vocabSize())) {
      for (var element : reference.getAsJsonArray("greedy")) {
        JsonObject greedy = element.getAsJsonObject();
        int[] expected = Reference.ints(greedy.getAsJsonArray("steered_tokens"));
        int[] prompt = BasePrompts.encode(tokenizer, model.config().bosId(),
            List.of(greedy.get("prompt").getAsString())).get(0);
        int newTokens = expected.length - prompt.length;
        int[][] rows = SteeredGeneration.sample(model, prompt, vector, alpha,
            new GenerationSettings(2, newTokens, SamplingConfig.greedy(), 0));
        assertThat(Arrays.copyOfRange(expected, 0, prompt.length)).as("prompt encoding").isEqualTo(prompt);
        for (int[] row : rows) {
          assertThat(row).isEqualTo(Arrays.copyOfRange(expected, prompt.length, expected.length));
        }
        assertThat(greedy.get("steered_text").getAsString())
            .isEqualTo(greedy.get("prompt").getAsString() + tokenizer.decode(rows[0]));
      }
    }
  }
}
