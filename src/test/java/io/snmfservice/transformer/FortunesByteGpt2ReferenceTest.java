package io.snmfservice.transformer;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static io.snmfservice.transformer.Reference.floats;
import static io.snmfservice.transformer.Reference.ints;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trained byte-level GPT-2 against its PyTorch reference: forward pass, hooks, steering, greedy decoding. */
@ExtendWith(SingleThreadedTorch.class)
class FortunesByteGpt2ReferenceTest {

  private static HookedTransformer model;
  private static JsonObject reference;
  private static AddVector steering;

  @BeforeAll
  static void load() {
    model = TransformerLoader.load(Reference.shared("models", "fortunes-byte-gpt2"), TestDevice.get());
    reference = Reference.json(Reference.shared("fixtures", "fortunes-byte-gpt2-reference.json"));
    JsonObject s = reference.getAsJsonObject("steering");
    steering = new AddVector(s.get("layer").getAsInt(), floats(s.getAsJsonArray("vector")), s.get("alpha").getAsFloat());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void exposesTheConfigFacts() {
    TransformerConfig config = model.config();
    assertThat(config.architecture()).isEqualTo(Architecture.GPT2);
    assertThat(config.nLayers()).isEqualTo(4);
    assertThat(config.dModel()).isEqualTo(128);
    assertThat(config.dMlp()).isEqualTo(512);
    assertThat(config.vocabSize()).isEqualTo(257);
    assertThat(config.maxContext()).isEqualTo(256);
    assertThat(config.bosId()).isEqualTo(256);
    assertThat(config.eosId()).isEqualTo(256);
  }

  @Test
  void matchesReferenceLogitsHookPostAndSteeredLogits() {
    HookSpec spec = HookSpec.none();
    for (int layer = 0; layer < 4; layer++) {
      spec = spec.withCapture(HookPoint.mlpPost(layer));
    }
    for (JsonElement element : reference.getAsJsonArray("sequences")) {
      JsonObject sequence = element.getAsJsonObject();
      int[] tokens = ints(sequence.getAsJsonArray("tokens"));
      ForwardResult plain = model.forward(TokenBatch.single(tokens), spec);
      ForwardResult steered = model.forward(TokenBatch.single(tokens), HookSpec.none().withIntervention(steering));
      for (int pos = 0; pos < tokens.length; pos++) {
        assertClose(plain.logits(0, pos), sequence.getAsJsonArray("logits").get(pos).getAsJsonArray(), "logits at " + pos);
        assertClose(steered.logits(0, pos), sequence.getAsJsonArray("steered_logits").get(pos).getAsJsonArray(),
            "steered logits at " + pos);
        for (int layer = 0; layer < 4; layer++) {
          assertClose(plain.capture(HookPoint.mlpPost(layer), 0, pos),
              sequence.getAsJsonArray("mlp_hook_post").get(layer).getAsJsonArray().get(pos).getAsJsonArray(),
              "hook_post layer " + layer + " pos " + pos);
        }
      }
    }
  }

  @Test
  void kvCachedGreedyGenerationReproducesTheReferenceContinuations() {
    for (JsonElement element : reference.getAsJsonArray("greedy")) {
      JsonObject greedy = element.getAsJsonObject();
      int[] expected = ints(greedy.getAsJsonArray("tokens"));
      int[] expectedSteered = ints(greedy.getAsJsonArray("steered_tokens"));
      byte[] promptBytes = greedy.get("prompt").getAsString().getBytes(StandardCharsets.UTF_8);
      int[] prompt = new int[promptBytes.length + 1];
      prompt[0] = 256;
      for (int i = 0; i < promptBytes.length; i++) {
        prompt[i + 1] = promptBytes[i] & 0xff;
      }
      int newTokens = expected.length - prompt.length;
      assertThat(model.generate(prompt, newTokens, SamplingConfig.greedy(), HookSpec.none(), 0L)).isEqualTo(expected);
      assertThat(model.generate(prompt, newTokens, SamplingConfig.greedy(), HookSpec.none().withIntervention(steering), 0L))
          .isEqualTo(expectedSteered);
    }
  }
}
