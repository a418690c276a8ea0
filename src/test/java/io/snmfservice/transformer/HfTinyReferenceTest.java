package io.snmfservice.transformer;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static io.snmfservice.transformer.Reference.floats;
import static io.snmfservice.transformer.Reference.ints;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiny random GPT-2, Llama-3 (GQA, llama3 rope scaling, untied head) and Gemma-2 (soft-caps, sliding window,
 * pre/post norms) checkpoints against plain PyTorch reference forward passes (fixtures/hf-tiny).
 */
@ExtendWith(SingleThreadedTorch.class)
class HfTinyReferenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama3", "gemma2"})
  void matchesReferenceLogitsHookPostAndSteeredLogits(String family) {
    Path dir = Reference.shared("fixtures", "hf-tiny", family);
    JsonObject reference = Reference.json(dir.resolve("reference.json"));
    JsonArray tokenRows = reference.getAsJsonArray("tokens");
    int[] tokens = ints(tokenRows.get(0).isJsonArray() ? tokenRows.get(0).getAsJsonArray() : tokenRows);
    try (HookedTransformer model = TransformerLoader.load(dir, TestDevice.get())) {
      int layers = model.config().nLayers();
      HookSpec spec = HookSpec.none();
      for (int layer = 0; layer < layers; layer++) {
        spec = spec.withCapture(HookPoint.mlpPost(layer));
      }
      ForwardResult plain = model.forward(TokenBatch.single(tokens), spec);
      JsonObject steering = reference.getAsJsonObject("steering");
      ForwardResult steered = model.forward(TokenBatch.single(tokens), HookSpec.none().withIntervention(
          new AddVector(steering.get("layer").getAsInt(), floats(steering.getAsJsonArray("vector")),
              steering.get("alpha").getAsFloat())));
      for (int pos = 0; pos < tokens.length; pos++) {
        assertClose(plain.logits(0, pos), reference.getAsJsonArray("logits").get(pos).getAsJsonArray(),
            family + " logits at " + pos);
        assertClose(steered.logits(0, pos), steering.getAsJsonArray("logits").get(pos).getAsJsonArray(),
            family + " steered logits at " + pos);
        for (int layer = 0; layer < layers; layer++) {
          assertClose(plain.capture(HookPoint.mlpPost(layer), 0, pos),
              reference.getAsJsonArray("mlp_hook_post").get(layer).getAsJsonArray().get(pos).getAsJsonArray(),
              family + " hook_post layer " + layer + " pos " + pos);
        }
      }
      assertThat(model.config().architectureName()).isEqualTo(family.equals("llama3") ? "llama" : family);
    }
  }
}
