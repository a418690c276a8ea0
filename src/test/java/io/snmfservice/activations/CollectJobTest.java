package io.snmfservice.activations;

import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/** The collect job writes, for every token, exactly the activation a direct hook capture gives. */
@SlowTest
@ServiceTest
class CollectJobTest {

  private static final Path STORIES = Path.of("../shared/models/stories260K/stories260K.bin");

  @Value("${local.server.port}")
  int port;

  @Test
  void recordedColumnsEqualDirectHookCapturesOnModelSampledSequences() {
    ContractClient api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = api.post("/v1/models", "{\"name\":\"collect-" + suffix
        + "\",\"source\":\"llama2c\",\"path\":\"" + STORIES + "\"}").json().get("id").asLong();

    JsonNode sampling = api.post("/v1/datasets", "{\"name\":\"samples-" + suffix + "\",\"kind\":\"model-samples\","
        + "\"modelId\":" + model + ",\"count\":120,\"length\":40,\"seed\":7}").json();
    JsonNode sampled = Jobs.awaitSucceeded(api, sampling.get("id").asLong(), Duration.ofMinutes(2));
    long dataset = sampled.get("result").get("datasetId").asLong();
    List<int[]> documents = documents(api, dataset);
    assertThat(documents).hasSize(120).allMatch(d -> d.length == 40);

    String request = "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layers\":[3,1],\"contextLength\":16,\"batchSize\":2}";
    var accepted = api.post("/v1/activations", request, "Idempotency-Key", "collect-" + suffix);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.header("Location")).startsWith("/v1/jobs/");
    long job = accepted.json().get("id").asLong();
    assertThat(api.post("/v1/activations", request, "Idempotency-Key", "collect-" + suffix).json().get("id").asLong())
        .isEqualTo(job);
    List<JsonNode> seen = Jobs.awaitFinished(api, job, Duration.ofMinutes(3));
    JsonNode done = seen.get(seen.size() - 1);
    assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
    // progress is visible while it runs (stage, fraction); the last report carries the throughput
    assertThat(seen).anySatisfy(s -> {
      assertThat(s.get("status").asString()).isEqualTo("RUNNING");
      assertThat(s.get("stage").asString()).isEqualTo("collect");
      assertThat(s.get("progress").asDouble()).isBetween(0.05, 0.99);
    });
    assertThat(done.get("message").asString()).matches("4,800/4,800 tokens, \\d+ tokens/s");

    long setId = done.get("result").get("activationSets").get("3").asLong();
    JsonNode set = api.get("/v1/activations/" + setId).json();
    assertThat(set.get("nTokens").asLong()).isEqualTo(120 * 40);
    assertThat(set.get("d").asInt()).isEqualTo(172);

    try (HookedTransformer direct = TransformerLoader.load(STORIES, TestDevice.get())) {
      // windows of 15 tokens after BOS, computed here independently of the collector
      try (ActivationFileReader file = ActivationFileReader.open(Path.of(matrixPath(api, setId)))) {
        TokenIndex index = TokenIndex.read(Path.of(matrixPath(api, setId)).resolveSibling("tokens.idx"));
        assertThat(index.size()).isEqualTo(120 * 40);
        int column = 0;
        for (int doc = 0; doc < documents.size(); doc++) {
          int[] ids = documents.get(doc);
          for (int offset = 0; offset < ids.length; offset += 15) {
            int[] window = new int[Math.min(15, ids.length - offset) + 1];
            window[0] = 1;
            System.arraycopy(ids, offset, window, 1, window.length - 1);
            ForwardResult r = direct.forward(TokenBatch.single(window),
                HookSpec.logits(LogitsMode.NONE).withCapture("blocks.3.mlp.hook_post"));
            for (int slot = 1; slot < window.length; slot++, column++) {
              assertThat(index.document(column)).isEqualTo(doc);
              assertThat(index.position(column)).isEqualTo(offset + slot - 1);
              assertThat(index.token(column)).isEqualTo(window[slot]);
              float[] expected = r.capture("blocks.3.mlp.hook_post", 0, slot);
              float[] actual = file.readColumns(column, 1);
              for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
              }
            }
          }
        }
        assertThat(column).isEqualTo(file.n());
      }

      // the residual stream is recorded the same way, one d_model column per token
      long resid = api.post("/v1/activations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
          + ",\"layers\":[0],\"hook\":\"hook_resid_post\",\"contextLength\":16}").json().get("id").asLong();
      long residSet = Jobs.awaitSucceeded(api, resid, Duration.ofMinutes(2)).get("result").get("activationSets")
          .get("0").asLong();
      assertThat(api.get("/v1/activations/" + residSet).json().get("d").asInt()).isEqualTo(64);
      int[] window = new int[16];
      window[0] = 1;
      System.arraycopy(documents.get(0), 0, window, 1, 15);
      float[] expected = direct.forward(TokenBatch.single(window),
          HookSpec.logits(LogitsMode.NONE).withCapture("blocks.0.hook_resid_post")).capture("blocks.0.hook_resid_post", 0, 1);
      try (ActivationFileReader file = ActivationFileReader.open(Path.of(matrixPath(api, residSet)))) {
        float[] actual = file.readColumns(0, 1);
        for (int i = 0; i < expected.length; i++) {
          assertThat((double) actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }
  }

  private static String matrixPath(ContractClient api, long setId) {
    return api.get("/v1/activations/" + setId).json().get("matrixPath").asString();
  }

  private static List<int[]> documents(ContractClient api, long dataset) {
    List<int[]> out = new ArrayList<>();
    for (int page = 0; ; page++) {
      JsonNode items = api.get("/v1/datasets/" + dataset + "/documents?size=500&page=" + page).json().get("items");
      if (items.isEmpty()) {
        return out;
      }
      items.forEach(d -> {
        int[] ids = new int[d.get("tokenIds").size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = d.get("tokenIds").get(i).asInt();
        }
        out.add(ids);
      });
    }
  }
}
