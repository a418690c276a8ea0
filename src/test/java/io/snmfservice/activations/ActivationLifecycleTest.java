package io.snmfservice.activations;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.IsolatedDatabaseInitializer;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.SlowTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Activation sets on disk: their size is shown, the store's free space is in health details, a set that a
 * factorization or a job needs cannot be deleted (409), deleting it removes its files, and retention removes sets
 * that nothing used for the configured time (audited). A database of its own: retention sweeps every set there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"snmf.activations.retention=1ms", "snmf.activations.retention-check=1h"})
@SlowTest
@ContextConfiguration(initializers = IsolatedDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
class ActivationLifecycleTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  ActivationRetention retention;

  @Test
  void setsShowTheirSizeAndAreDeletedOnlyWhenNothingNeedsThem() {
    ContractClient api = new ContractClient(port);
    long model = api.post("/v1/models", "{\"name\":\"lifecycle\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    long sampling = api.post("/v1/datasets", "{\"name\":\"lifecycle\",\"kind\":\"model-samples\",\"modelId\":" + model
        + ",\"count\":60,\"length\":20,\"seed\":2}").json().get("id").asLong();
    long dataset = Jobs.awaitSucceeded(api, sampling, Duration.ofMinutes(2)).get("result").get("datasetId").asLong();
    long factorizing = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":1,\"k\":4,\"maxIterations\":5,\"contextLength\":16}").json().get("id").asLong();
    JsonNode result = Jobs.awaitSucceeded(api, factorizing, Duration.ofMinutes(3)).get("result");
    long set = result.get("activationSetId").asLong();
    long factorization = result.get("factorizationId").asLong();
    long collecting = api.post("/v1/activations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layers\":[2],\"contextLength\":16}").json().get("id").asLong();
    Jobs.awaitSucceeded(api, collecting, Duration.ofMinutes(2));

    JsonNode view = api.get("/v1/activations/" + set).json();
    Path matrix = Path.of(view.get("matrixPath").asString());
    assertThat(view.get("bytesOnDisk").asLong()).isEqualTo(sizeOf(matrix)).isGreaterThan(60L * 19 * 172 * 4 / 2);
    JsonNode health = api.raw().get("/actuator/health").json();
    assertThat(health.at("/components/activationStore/details/freeBytes").asLong()).isPositive();

    var refused = api.delete("/v1/activations/" + set);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("detail").asString()).contains("factorization(s) [" + factorization + "]");
    assertThat(matrix).exists();

    assertThat(retention.sweep()).as("the layer-2 set, which no factorization uses").isEqualTo(1);
    assertThat(api.get("/v1/activations?modelId=" + model).json()).hasSize(1);
    assertThat(api.get("/v1/audit?size=5").json().get("items").get(0).get("keyName").asString()).isEqualTo("retention");

    assertThat(api.delete("/v1/factorizations/" + factorization).status()).isEqualTo(204);
    assertThat(api.delete("/v1/activations/" + set).status()).isEqualTo(204);
    assertThat(matrix).doesNotExist();
    assertThat(matrix.getParent()).as("the collection's directory, index included").doesNotExist();
    assertThat(api.get("/v1/activations/" + set).status()).isEqualTo(404);
    assertThat(api.delete("/v1/activations/" + set).status()).isEqualTo(404);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
