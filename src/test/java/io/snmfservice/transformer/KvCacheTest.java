package io.snmfservice.transformer;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static io.snmfservice.transformer.Reference.ints;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feeding a sequence in uneven chunks through the KV cache reproduces the PyTorch reference logits — for GQA with
 * llama3 rope scaling, for learned positions, and for Gemma-2's sliding window (which the cache must respect once
 * the sequence is longer than the window).
 */
@ExtendWith(SingleThreadedTorch.class)
class KvCacheTest {

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama3", "gemma2"})
  void chunkedCachedPassesMatchTheReference(String family) {
    Path dir = Reference.shared("fixtures", "hf-tiny", family);
    JsonObject reference = Reference.json(dir.resolve("reference.json"));
    int[] tokens = ints(reference.getAsJsonArray("tokens").get(0).getAsJsonArray());
    JsonArray logits = reference.getAsJsonArray("logits");
    int[] chunks = {5, 1, 1, 4, 2, 3};
    assertThat(Arrays.stream(chunks).sum()).isEqualTo(tokens.length);
    try (HookedTransformer model = TransformerLoader.load(dir, TestDevice.get()); KvCache cache = model.newKvCache(1)) {
      int pos = 0;
      for (int chunk : chunks) {
        ForwardResult result = model.forward(TokenBatch.single(Arrays.copyOfRange(tokens, pos, pos + chunk)),
            HookSpec.none(), cache);
        for (int t = 0; t < chunk; t++) {
          assertClose(result.logits(0, t), logits.get(pos + t).getAsJsonArray(), family + " cached logits at " + (pos + t));
        }
        pos += chunk;
      }
      assertThat(cache.nextPosition(0)).isEqualTo(tokens.length);
    }
  }

  @Test
  void oneModelServesSeveralThreadsAtOnce() throws Exception {
    Path dir = Reference.shared("fixtures", "hf-tiny", "gemma2");
    JsonObject reference = Reference.json(dir.resolve("reference.json"));
    int[] tokens = ints(reference.getAsJsonArray("tokens").get(0).getAsJsonArray());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (HookedTransformer model = TransformerLoader.load(dir, TestDevice.get())) {
      List<Future<float[]>> results = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        results.add(pool.submit(() -> model.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.LAST)).lastLogits(0)));
      }
      for (Future<float[]> result : results) {
        assertClose(result.get(), reference.getAsJsonArray("logits").get(tokens.length - 1).getAsJsonArray(),
            "last logits computed concurrently");
      }
    } finally {
      pool.shutdown();
    }
  }
}
