package io.snmfservice.steering.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Steering and evaluation through the API on stories260K: jobs, stored outcomes, causal scores, bad requests. */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SteeringApiTest {

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;

  ContractClient api;
  long model;
  long feature;
  String fixtureVector;

  @BeforeAll
  void factorizeATinyCorpus() throws Exception {
    api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    model = api.post("/v1/models", "{\"name\":\"steer-" + suffix
        + "\",\"source\":\"llama2c\",\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    var sampled = api.post("/v1/datasets", "{\"name\":\"steer-" + suffix + "\",\"kind\":\"model-samples\","
        + "\"modelId\":" + model + ",\"count\":64,\"length\":31,\"seed\":5}");
    assertThat(sampled.status()).as(sampled.body()).isEqualTo(202);
    long sampling = sampled.json().get("id").asLong();
    JsonNode sampledJob = Jobs.awaitSucceeded(api, sampling, Duration.ofMinutes(2));
    assertThat(sampledJob.get("result").has("datasetId")).as(sampledJob.toString()).isTrue();
    long dataset = sampledJob.get("result").get("datasetId").asLong();
    var factorize = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":2,\"k\":4,\"maxIterations\":20,\"contextLength\":32}");
    assertThat(factorize.status()).as(factorize.body()).isEqualTo(202);
    long job = factorize.json().get("id").asLong();
    long factorization = Jobs.awaitSucceeded(api, job, Duration.ofMinutes(2)).get("result").get("factorizationId").asLong();
    feature = api.get("/v1/factorizations/" + factorization + "/features").json().get("items").get(0).get("id").asLong();
    JsonNode fixture = JsonMapper.builder().build()
        .readTree(Files.readString(Path.of("../shared/fixtures/stories260K-reference.json")));
    fixtureVector = fixture.get("steering").get("vector").toString();
  }

  @Test
  void steeringAFeatureStoresOutcomesAndOfflineCausalScores() {
    var accepted = api.post("/v1/steering", "{\"modelId\":" + model + ",\"featureIds\":[" + feature + "],"
        + "\"klTargets\":[0.1,0.5],\"generations\":2,\"newTokens\":8,\"seed\":3}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonNode done = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(3));
    long runId = done.get("result").get("steeringRunIds").get(0).asLong();

    JsonNode run = api.get("/v1/steering/" + runId).json();
    assertThat(run.get("featureId").asLong()).isEqualTo(feature);
    assertThat(run.get("prompts").get(0).asString()).isEqualTo("I think that");
    assertThat(run.get("outcomes")).hasSize(4);
    for (JsonNode outcome : run.get("outcomes")) {
      if (outcome.get("status").asString().equals("REACHED")) {
        double target = outcome.get("target").asDouble();
        assertThat(Math.abs(outcome.get("kl").asDouble() - target) / target).isLessThanOrEqualTo(0.05);
        assertThat(outcome.get("generations")).hasSize(2);
        assertThat(outcome.get("rising")).hasSize(50);
        assertThat(outcome.get("scores").get(0).get("method").asString()).isEqualTo("offline-v1");
      }
    }
    JsonNode page = api.get("/v1/steering?featureId=" + feature + "&size=1").json();
    assertThat(page.get("items")).hasSize(1);
    assertThat(page.get("total").asLong()).isPositive();
    JsonNode scores = api.get("/v1/features/" + feature + "/causal-scores").json();
    assertThat(scores).isNotEmpty().allSatisfy(s -> assertThat(s.get("method").asString()).isEqualTo("offline-v1"));

    long before = api.get("/v1/steering?featureId=" + feature).json().get("total").asLong();
    assertThat(api.delete("/v1/steering/" + runId).status()).isEqualTo(204);
    assertThat(api.get("/v1/steering/" + runId).status()).isEqualTo(404);
    assertThat(api.delete("/v1/steering/" + runId).status()).isEqualTo(404);
    assertThat(api.get("/v1/steering?featureId=" + feature).json().get("total").asLong()).isEqualTo(before - 1);
    assertThat(jdbc.sql("SELECT count(*) FROM steering_outcome WHERE run_id = ?").param(runId).query(Long.class)
        .single()).as("outcomes go with their run").isZero();
  }

  @Test
  void interactiveSteerWithTheFixtureVectorIsSeeded() {
    String request = "{\"modelId\":" + model + ",\"layer\":2,\"vector\":" + fixtureVector
        + ",\"prompt\":\"<1> <461>\",\"alpha\":8,\"newTokens\":10,\"seed\":9}";
    JsonNode first = api.post("/v1/steer", request).json();
    JsonNode again = api.post("/v1/steer", request).json();
    assertThat(first.get("kl").asDouble()).isPositive();
    assertThat(first.get("tokens")).isEqualTo(again.get("tokens"));
    assertThat(first.get("rising")).hasSize(10);
  }

  @Test
  void evaluationComparesDiffMeansWithFeaturesAndVectors() {
    List<String> concept = List.of("<1> <401> <401> <401>", "<1> <455> <401> <401>", "<1> <401> <473> <401>",
        "<1> <401> <401> <456>");
    List<String> neutral = List.of("<1> <300> <301> <302>", "<1> <310> <311> <312>", "<1> <320> <321> <322>",
        "<1> <330> <331> <332>");
    var accepted = api.post("/v1/evaluations", "{\"modelId\":" + model + ",\"layer\":2,\"concepts\":[{\"name\":\"x\","
        + "\"sentences\":" + json(concept) + ",\"neutral\":" + json(neutral) + "}],\"featureIds\":[" + feature + "],"
        + "\"vectors\":[{\"name\":\"fixture\",\"vector\":" + fixtureVector + "}]}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonNode done = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(2));
    JsonNode evaluation = api.get("/v1/evaluations/" + done.get("result").get("evaluationId").asLong()).json();
    assertThat(evaluation.get("rows")).hasSize(3);
    assertThat(evaluation.get("rows").get(0).get("method").asString()).isEqualTo("diffmeans");
    evaluation.get("rows").forEach(r -> assertThat(r.get("auroc").asDouble()).isBetween(0.0, 1.0));
    assertThat(evaluation.get("diffMeans").get(0).get("vector")).hasSize(172);

    long evaluationId = evaluation.get("id").asLong();
    assertThat(api.get("/v1/evaluations?size=500").json().get("items"))
        .anySatisfy(e -> assertThat(e.get("id").asLong()).isEqualTo(evaluationId));
    assertThat(api.delete("/v1/evaluations/" + evaluationId).status()).isEqualTo(204);
    assertThat(api.get("/v1/evaluations/" + evaluationId).status()).isEqualTo(404);
    assertThat(api.delete("/v1/evaluations/" + evaluationId).status()).isEqualTo(404);
  }

  @Test
  void badSteeringRequestsAreRejectedWithoutAJob() {
    long jobs = jdbc.sql("SELECT count(*) FROM job").query(Long.class).single();
    rejects(404, "feature 987654321", api.post("/v1/steering", "{\"modelId\":" + model + ",\"featureIds\":[987654321]}"));
    rejects(422, "d_mlp = 172", api.post("/v1/steering", "{\"modelId\":" + model + ",\"layer\":2,\"vectors\":[[1,2,3]]}"));
    rejects(422, "prompts must not be empty", api.post("/v1/steering",
        "{\"modelId\":" + model + ",\"featureIds\":[" + feature + "],\"prompts\":[\"  \"]}"));
    rejects(422, "klTargets must be finite and > 0", api.post("/v1/steering",
        "{\"modelId\":" + model + ",\"featureIds\":[" + feature + "],\"klTargets\":[0.1,0]}"));
    rejects(422, "newTokens", api.post("/v1/steering",
        "{\"modelId\":" + model + ",\"featureIds\":[" + feature + "],\"newTokens\":100000}"));
    rejects(400, "layer is required", api.post("/v1/steering", "{\"modelId\":" + model + ",\"vectors\":[[1]]}"));
    rejects(404, "model 987654321", api.post("/v1/steering", "{\"modelId\":987654321,\"featureIds\":[1]}"));
    rejects(422, "newTokens", api.post("/v1/steer", "{\"modelId\":" + model + ",\"featureId\":" + feature
        + ",\"prompt\":\"x\",\"alpha\":5,\"newTokens\":65}"));
    rejects(400, "prompt", api.post("/v1/steer", "{\"modelId\":" + model + ",\"featureId\":" + feature
        + ",\"prompt\":\"\",\"alpha\":5}"));
    rejects(404, "feature 987654321", api.post("/v1/steer", "{\"modelId\":" + model + ",\"featureId\":987654321,"
        + "\"prompt\":\"x\",\"alpha\":5}"));
    rejects(422, "layer 7 is out of range", api.post("/v1/evaluations", "{\"modelId\":" + model + ",\"layer\":7,"
        + "\"concepts\":[{\"name\":\"x\",\"sentences\":[\"a\",\"b\"],\"neutral\":[\"c\",\"d\"]}]}"));
    rejects(422, "concepts[0].sentences", api.post("/v1/evaluations", "{\"modelId\":" + model + ",\"layer\":1,"
        + "\"concepts\":[{\"name\":\"x\",\"sentences\":[\"a\"],\"neutral\":[\"c\",\"d\"]}]}"));
    assertThat(api.get("/v1/steering/987654321").status()).isEqualTo(404);
    assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single()).isEqualTo(jobs);
  }

  private static void rejects(int status, String detail, Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().get("detail").asString()).containsIgnoringCase(detail);
  }

  private static String json(List<String> values) {
    return JsonMapper.builder().build().writeValueAsString(values);
  }
}
