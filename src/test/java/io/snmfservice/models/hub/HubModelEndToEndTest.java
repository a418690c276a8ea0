package io.snmfservice.models.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A model registered by hub id is downloaded into the HF cache layout on first use and recorded with its shape;
 * an unknown repository fails its job at once instead of being retried. The hub is a local server speaking the
 * hub's URL layout, serving the fortunes-byte-gpt2 files.
 */
@ServiceTest
class HubModelEndToEndTest {

  private static final Path FORTUNES = Path.of("../shared/models/fortunes-byte-gpt2");
  private static FakeHub hub;
  private static Path cache;

  @Value("${local.server.port}")
  int port;

  @DynamicPropertySource
  static void hub(DynamicPropertyRegistry registry) throws IOException {
    hub = new FakeHub();
    hub.addRepo("acme/fortunes", "0123456789abcdef0123456789abcdef01234567", "main");
    for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      hub.addFile("acme/fortunes", file, Files.readAllBytes(FORTUNES.resolve(file)), false);
    }
    hub.addFile("acme/fortunes", "model.safetensors", Files.readAllBytes(FORTUNES.resolve("model.safetensors")), true);
    cache = Files.createTempDirectory("hf-cache");
    registry.add("snmf.hub.endpoint", () -> hub.endpoint().toString());
    registry.add("snmf.hub.cache-dir", cache::toString);
    registry.add("snmf.hub.offline", () -> "false");
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Test
  void hubModelIsDownloadedOnFirstUseAndUnknownReposFailWithoutRetry() {
    ContractClient api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    JsonNode model = api.post("/v1/models", "{\"name\":\"hub-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"acme/fortunes\"}").json();
    assertThat(model.get("nLayers").isNull()).isTrue();
    long dataset = api.post("/v1/datasets", "{\"name\":\"hub-" + suffix + "\",\"kind\":\"text\",\"texts\":[\"Wer rastet, der rostet.\","
        + "\"A friend in need is a friend indeed.\"]}").json().get("id").asLong();

    long job = api.post("/v1/activations", "{\"modelId\":" + model.get("id").asLong() + ",\"datasetId\":" + dataset
        + ",\"layers\":[1]}").json().get("id").asLong();
    JsonNode done = Jobs.awaitSucceeded(api, job, Duration.ofMinutes(2));
    assertThat(done.get("result").get("tokens").asLong()).isEqualTo("Wer rastet, der rostet.".length()
        + "A friend in need is a friend indeed.".length());
    assertThat(cache.resolve("models--acme--fortunes/snapshots/0123456789abcdef0123456789abcdef01234567/model.safetensors"))
        .exists();
    JsonNode recorded = api.get("/v1/models/" + model.get("id").asLong()).json();
    assertThat(recorded.get("nLayers").asInt()).isEqualTo(4);
    assertThat(recorded.get("dMlp").asInt()).isEqualTo(512);

    long missing = api.post("/v1/models", "{\"name\":\"missing-" + suffix + "\",\"source\":\"hf\",\"repoId\":\"acme/missing\"}")
        .json().get("id").asLong();
    long failing = api.post("/v1/activations", "{\"modelId\":" + missing + ",\"datasetId\":" + dataset + ",\"layers\":[0]}")
        .json().get("id").asLong();
    JsonNode failed = Jobs.awaitFinished(api, failing, Duration.ofMinutes(1)).stream().reduce((a, b) -> b).orElseThrow();
    assertThat(failed.get("status").asString()).isEqualTo("FAILED");
    assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    assertThat(failed.get("error").get("detail").asString()).contains("acme/missing");
  }
}
