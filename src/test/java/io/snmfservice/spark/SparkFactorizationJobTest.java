package io.snmfservice.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A factorize job with {@code snmf.spark.master=local[2]}: collection as always, level 1 on the Spark application,
 * the second level, the joint fine-tune (it rewrites G in the application's g.bin) and interpretation in the service,
 * features stored; the Spark working directory is gone after.
 */
@SparkTest
@ServiceTest
@TestPropertySource(properties = {"snmf.spark.master=local[2]", "snmf.spark.driver-memory=1g"})
class SparkFactorizationJobTest {

  private static final Path STORIES = Path.of("../shared/models/stories260K/stories260K.bin");

  @Value("${local.server.port}")
  int port;

  @Value("${snmf.data-dir}")
  Path dataDir;

  @Test
  void aFactorizationOnSparkSucceedsWithFeaturesStored() throws Exception {
    SparkTestSetup.localTwo(2); // fails clearly when spark/target was not built
    ContractClient api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = api.post("/v1/models", "{\"name\":\"spark-" + suffix + "\",\"source\":\"llama2c\",\"path\":\""
        + STORIES + "\"}").json().get("id").asLong();
    long datasetJob = api.post("/v1/datasets", "{\"name\":\"spark-samples-" + suffix + "\",\"kind\":\"model-samples\","
        + "\"modelId\":" + model + ",\"count\":300,\"length\":31,\"seed\":2}").json().get("id").asLong();
    long dataset = Jobs.awaitSucceeded(api, datasetJob, Duration.ofMinutes(3)).get("result").get("datasetId")
        .asLong();

    var accepted = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":2,\"levels\":[16,4],\"fineTune\":true,\"sparsity\":0.1,\"maxIterations\":25,\"patience\":25,"
        + "\"topInputs\":5,\"contextWindow\":3,\"contextLength\":32,\"batchSize\":64}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    long jobId = accepted.json().get("id").asLong();
    List<JsonNode> seen = Jobs.awaitFinished(api, jobId, Duration.ofMinutes(5));
    JsonNode done = seen.get(seen.size() - 1);
    assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(seen).anySatisfy(s -> assertThat(s.get("message").asString("")).startsWith("iteration"));

    long id = done.get("result").get("factorizationId").asLong();
    JsonNode detail = api.get("/v1/factorizations/" + id).json();
    assertThat(detail.get("nTokens").asLong()).isEqualTo(300 * 31);
    assertThat(detail.get("iterations").asInt()).isEqualTo(25);
    assertThat(detail.get("lossCurve").size()).isEqualTo(25);
    assertThat(detail.get("levels").toString()).isEqualTo("[16,4]");
    assertThat(detail.get("relativeError").asDouble()).isBetween(0.0, 1.0);
    JsonNode features = api.get("/v1/factorizations/" + id + "/features?size=100").json().get("items");
    assertThat(features.size()).isGreaterThanOrEqualTo(16);
    JsonNode top = api.get("/v1/features/" + features.get(0).get("id").asLong() + "/top-inputs").json();
    assertThat(top).hasSize(5);
    try (Stream<Path> left = Files.list(dataDir.resolve("factorizations"))) {
      assertThat(left.map(p -> p.getFileName().toString())).doesNotContain("job-" + jobId + "-spark");
    }
  }
}
