package io.snmfservice.transformer;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static io.snmfservice.transformer.Reference.floats;
import static io.snmfservice.transformer.Reference.ints;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.loader.TransformerLoader;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** stories260K against llama2.c's own C forward pass (fixtures/stories260K-reference.json). */
@ExtendWith(SingleThreadedTorch.class)
class Stories260kReferenceTest {

  private static HookedTransformer model;
  private static JsonObject reference;
  private static int[] tokens;

  @BeforeAll
  static void load() {
    model = TransformerLoader.load(Reference.shared("models", "stories260K", "stories260K.bin"), TestDevice.get());
    reference = Reference.json(Reference.shared("fixtures", "stories260K-reference.json"));
    tokens = ints(reference.getAsJsonArray("tokens"));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static HookSpec allHookPosts() {
    HookSpec spec = HookSpec.none();
    for (int layer = 0; layer < model.config().nLayers(); layer++) {
      spec = spec.withCapture(HookPoint.mlpPost(layer));
    }
    return spec;
  }

  private static AddVector steering() {
    JsonObject steering = reference.getAsJsonObject("steering");
    return new AddVector(steering.get("layer").getAsInt(), floats(steering.getAsJsonArray("vector")),
        steering.get("alpha").getAsFloat());
  }

  @Test
  void readsTheLlama2cHeader() {
    TransformerConfig config = model.config();
    assertThat(config.architecture()).isEqualTo(Architecture.LLAMA);
    assertThat(config.dModel()).isEqualTo(64);
    assertThat(config.dMlp()).isEqualTo(172);
    assertThat(config.nLayers()).isEqualTo(5);
    assertThat(config.nHeads()).isEqualTo(8);
    assertThat(config.nKvHeads()).isEqualTo(4);
    assertThat(config.vocabSize()).isEqualTo(512);
    assertThat(config.maxContext()).isEqualTo(512);
    assertThat(config.bosId()).isEqualTo(1);
    assertThat(config.eosId()).isEqualTo(2);
  }

  @Test
  void matchesLlama2cLogitsAndHookPostAsOneSequence() {
    ForwardResult result = model.forward(TokenBatch.single(tokens), allHookPosts());
    JsonArray logits = reference.getAsJsonArray("logits");
    for (int pos = 0; pos < tokens.length; pos++) {
      assertClose(result.logits(0, pos), logits.get(pos).getAsJsonArray(), "logits at " + pos);
      for (int layer = 0; layer < 5; layer++) {
        assertClose(result.capture(HookPoint.mlpPost(layer), 0, pos),
            reference.getAsJsonArray("mlp_hook_post").get(layer).getAsJsonArray().get(pos).getAsJsonArray(),
            "hook_post layer " + layer + " pos " + pos);
      }
    }
  }

  @Test
  void matchesLlama2cPositionByPositionWithTheKvCache() {
    try (KvCache cache = model.newKvCache(1)) {
      for (int pos = 0; pos < tokens.length; pos++) {
        ForwardResult step = model.forward(TokenBatch.single(tokens[pos]), allHookPosts(), cache);
        assertClose(step.logits(0, 0), reference.getAsJsonArray("logits").get(pos).getAsJsonArray(), "logits at " + pos);
        for (int layer = 0; layer < 5; layer++) {
          assertClose(step.capture(HookPoint.mlpPost(layer), 0, 0),
              reference.getAsJsonArray("mlp_hook_post").get(layer).getAsJsonArray().get(pos).getAsJsonArray(),
              "hook_post layer " + layer + " pos " + pos);
        }
      }
      assertThat(cache.slots()).isEqualTo(tokens.length);
    }
  }

  @Test
  void matchesLlama2cSteeredLogitsBatchedAndCached() {
    HookSpec steered = HookSpec.none().withIntervention(steering());
    JsonArray expected = reference.getAsJsonObject("steering").getAsJsonArray("logits");
    ForwardResult batched = model.forward(TokenBatch.single(tokens), steered);
    try (KvCache cache = model.newKvCache(1)) {
      for (int pos = 0; pos < tokens.length; pos++) {
        assertClose(batched.logits(0, pos), expected.get(pos).getAsJsonArray(), "batched steered logits at " + pos);
        ForwardResult step = model.forward(TokenBatch.single(tokens[pos]), steered, cache);
        assertClose(step.logits(0, 0), expected.get(pos).getAsJsonArray(), "cached steered logits at " + pos);
      }
    }
  }
}
