package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.jobs.JobService;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.RejectedRequests;
import io.snmfservice.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Every endpoint answers bad input with the right 4xx problem+json and leaves the database as it was. */
@ServiceTest
class BadInputTest {

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;

  RejectedRequests database;
  @Autowired JobService jobs;

  ContractClient api;
  long stories;
  long tokensDataset;
  String suffix;

  @BeforeEach
  void setUp() {
    database = new RejectedRequests(jdbc, "model", "dataset", "document", "job", "activation_set", "factorization");
    api = new ContractClient(port);
    suffix = Long.toString(System.nanoTime(), 36);
    stories = api.post("/v1/models", "{\"name\":\"s-" + suffix
        + "\",\"source\":\"llama2c\",\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    tokensDataset = api.post("/v1/datasets", "{\"name\":\"d-" + suffix + "\",\"kind\":\"tokens\",\"tokens\":[[1,2]]}")
        .json().get("id").asLong();
  }

  @Test
  void modelRegistrationRejectsBadInput() {
    database.rejects(400, "malformed JSON", () -> api.post("/v1/models", "{\"source\": \"hf\","));
    database.rejects(400, "source", () -> api.post("/v1/models", "{\"name\": \"x\"}"));
    database.rejects(400, "field 'source' has the wrong type", () -> api.post("/v1/models", "{\"source\": [\"hf\"]}"));
    database.rejects(422, "source: must be one of", () -> api.post("/v1/models", "{\"source\": \"torrent\"}"));
    database.rejects(400, "repoId is required", () -> api.post("/v1/models", "{\"source\": \"hf\"}"));
    database.rejects(422, "repoId: must look like", () -> api.post("/v1/models", "{\"source\": \"hf\", \"repoId\": \"a b/c\"}"));
    database.rejects(400, "path is required", () -> api.post("/v1/models", "{\"source\": \"local\"}"));
    database.rejects(422, "allowed model root", () -> api.post("/v1/models", "{\"source\": \"local\", \"path\": \"/nonexistent/m\"}"));
    database.rejects(422, "config.json", () -> api.post("/v1/models", "{\"source\": \"local\", \"path\": \"../shared/models/stories260K\"}"));
    database.rejects(422, "llama2.c", () -> api.post("/v1/models",
        "{\"source\": \"llama2c\", \"path\": \"../shared/models/fortunes-byte-gpt2/config.json\"}"));
    database.rejects(409, "already registered", () -> api.post("/v1/models", "{\"name\":\"s-" + suffix
        + "\",\"source\":\"llama2c\",\"path\":\"../shared/models/stories260K/stories260K.bin\"}"));
    database.rejects(413, "exceeds the limit", () -> api.post("/v1/models", "{\"name\":\"" + "x".repeat(4_300_000) + "\"}"));
    database.rejects(400, "invalid value 'abc'", () -> api.get("/v1/models/abc"));
    database.rejects(404, "does not exist", () -> api.get("/v1/models/987654321"));
    database.rejects(404, "does not exist", () -> api.delete("/v1/models/987654321"));
    database.rejects(422, "size must be between", () -> api.get("/v1/models?size=0"));
    database.rejects(422, "page must be", () -> api.get("/v1/models?page=-1"));
  }

  @Test
  void datasetCreationRejectsBadInput() {
    database.rejects(400, "malformed JSON", () -> api.post("/v1/datasets", "{\"name\": \"n\", "));
    database.rejects(400, "wrong shape", () -> api.post("/v1/datasets", "[1, 2]"));
    database.rejects(400, "name", () -> api.post("/v1/datasets", "{\"kind\": \"text\", \"content\": \"a\"}"));
    database.rejects(400, "kind", () -> api.post("/v1/datasets", "{\"name\": \"n\", \"content\": \"a\"}"));
    database.rejects(422, "kind: must be one of", () -> api.post("/v1/datasets", "{\"name\": \"n\", \"kind\": \"csv\", \"content\": \"a\"}"));
    database.rejects(400, "content or texts is required", () -> api.post("/v1/datasets", "{\"name\": \"n\", \"kind\": \"text\"}"));
    database.rejects(422, "not both", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"text\", \"content\": \"a\", \"texts\": [\"b\"]}"));
    database.rejects(422, "no documents", () -> api.post("/v1/datasets", "{\"name\": \"n\", \"kind\": \"text\", \"content\": \"\\n \\n\"}"));
    database.rejects(422, "line 2 is not valid JSON", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"jsonl\", \"content\": \"{\\\"text\\\": \\\"a\\\"}\\n{oops\"}"));
    database.rejects(422, "line 1: expected an object", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"jsonl\", \"content\": \"{\\\"txt\\\": \\\"a\\\"}\"}"));
    database.rejects(400, "field 'tokens' has the wrong type", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"tokens\", \"tokens\": \"1 2 3\"}"));
    database.rejects(400, "tokens[0][1]", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"tokens\", \"tokens\": [[1, \"x\"]]}"));
    database.rejects(422, "negative token id", () -> api.post("/v1/datasets", "{\"name\": \"n\", \"kind\": \"tokens\", \"tokens\": [[1, -2]]}"));
    database.rejects(422, "tokens[1] is empty", () -> api.post("/v1/datasets", "{\"name\": \"n\", \"kind\": \"tokens\", \"tokens\": [[1], []]}"));
    database.rejects(422, "outside the vocabulary", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"tokens\", \"modelId\": " + stories + ", \"tokens\": [[1, 512]]}"));
    database.rejects(404, "model 987654321 does not exist", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"tokens\", \"modelId\": 987654321, \"tokens\": [[1]]}"));
    database.rejects(409, "already exists", () -> api.post("/v1/datasets",
        "{\"name\": \"d-" + suffix + "\", \"kind\": \"text\", \"texts\": [\"a\"]}"));
    database.rejects(413, "exceeds the limit", () -> api.post("/v1/datasets",
        "{\"name\": \"n\", \"kind\": \"text\", \"content\": \"" + "a".repeat(4_300_000) + "\"}"));
    database.rejects(422, "not valid UTF-8", () -> api.upload("/v1/datasets", "x.txt", new byte[] {(byte) 0xC3, (byte) 0x28},
        Map.of("name", "n", "kind", "text")));
    database.rejects(422, "kind must be one of", () -> api.upload("/v1/datasets", "x.txt", "a".getBytes(StandardCharsets.UTF_8),
        Map.of("name", "n", "kind", "csv")));
    database.rejects(400, "file", () -> api.postRaw("/v1/datasets", "multipart/form-data; boundary=b",
        "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nn\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8)));
    database.rejects(404, "does not exist", () -> api.get("/v1/datasets/987654321/documents"));
    database.rejects(404, "does not exist", () -> api.delete("/v1/datasets/987654321"));
    database.rejects(422, "size must be between", () -> api.get("/v1/datasets/" + tokensDataset + "/documents?size=501"));
  }

  @Test
  void factorizationRequestsRejectBadInputWithoutCreatingAJob() {
    String base = "\"modelId\":" + stories + ",\"datasetId\":" + tokensDataset + ",\"layer\":2";
    database.rejects(404, "model 987654321", () -> api.post("/v1/factorizations",
        "{\"modelId\":987654321,\"datasetId\":" + tokensDataset + ",\"layer\":0,\"k\":1}"));
    database.rejects(404, "dataset 987654321", () -> api.post("/v1/factorizations",
        "{\"modelId\":" + stories + ",\"datasetId\":987654321,\"layer\":0,\"k\":1}"));
    database.rejects(422, "layer 5 is out of range", () -> api.post("/v1/factorizations",
        "{\"modelId\":" + stories + ",\"datasetId\":" + tokensDataset + ",\"layer\":5,\"k\":1}"));
    database.rejects(422, "exceeds the number of tokens", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":3}"));
    database.rejects(422, "exceeds the width", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":173}"));
    database.rejects(422, "sparsity", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":1,\"sparsity\":0}"));
    database.rejects(422, "sparsity", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":1,\"sparsity\":1.5}"));
    database.rejects(422, "strictly decreasing", () -> api.post("/v1/factorizations", "{" + base + ",\"levels\":[1,2]}"));
    database.rejects(422, "strictly decreasing", () -> api.post("/v1/factorizations", "{" + base + ",\"levels\":[2,2]}"));
    database.rejects(422, "k must equal", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":2,\"levels\":[1]}"));
    database.rejects(422, "fineTune needs at least two", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":1,\"fineTune\":true}"));
    database.rejects(400, "k (or levels) is required", () -> api.post("/v1/factorizations", "{" + base + "}"));
    database.rejects(400, "layer", () -> api.post("/v1/factorizations", "{\"modelId\":" + stories + ",\"datasetId\":1}"));
    database.rejects(422, "init: must be one of", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":1,\"init\":\"pca\"}"));
    database.rejects(422, "hook must be one of", () -> api.post("/v1/factorizations", "{" + base + ",\"k\":1,\"hook\":\"attn\"}"));
    database.rejects(404, "does not exist", () -> api.get("/v1/factorizations/987654321"));
    database.rejects(404, "does not exist", () -> api.get("/v1/features/987654321/top-inputs"));
  }

  @Test
  void aMisspeltSettingIsRefusedNamingItAndTheNearestNameInsteadOfQuietlyTakingTheDefault() {
    String valid = "\"modelId\":" + stories + ",\"datasetId\":" + tokensDataset + ",\"layer\":2,\"k\":1";
    long jobs = jdbc.sql("SELECT count(*) FROM job").query(Long.class).single();
    Http.Response r = api.post("/v1/factorizations", "{" + valid + ",\"maxIteration\":5}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString())
        .startsWith("unknown field \"maxIteration\"; did you mean \"maxIterations\"? accepted: modelId, datasetId,")
        .contains("patience", "shards");
    assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single()).as("no job queued").isEqualTo(jobs);
  }

  @Test
  void unknownFieldsAreRefusedAtAnyDepthWithTheirPath() {
    String concepts = "\"concepts\":[{\"name\":\"c\",\"sentences\":[\"a\",\"b\"],\"neutral\":[\"c\",\"d\"]}]";
    database.rejects(400, "unknown field \"steering.klTarget\"; did you mean \"klTargets\"? accepted: enabled, klTargets,",
        () -> api.post("/v1/comparisons", "{\"modelId\":" + stories + "," + concepts
            + ",\"methods\":[{\"name\":\"d\",\"diffMeans\":true,\"layer\":1}],\"steering\":{\"klTarget\":[0.1]}}"));
    database.rejects(400, "unknown field \"methods[1].factorizationID\"; did you mean \"factorizationId\"?",
        () -> api.post("/v1/comparisons", "{\"modelId\":" + stories + "," + concepts + ",\"methods\":[{\"name\":\"d\","
            + "\"diffMeans\":true,\"layer\":1},{\"name\":\"f\",\"factorizationID\":1}]}"));
    database.rejects(400, "unknown field \"concepts[0].sentence\"; did you mean \"sentences\"?",
        () -> api.post("/v1/evaluations", "{\"modelId\":" + stories + ",\"layer\":1,\"concepts\":[{\"name\":\"c\","
            + "\"sentence\":[\"a\",\"b\"],\"neutral\":[\"c\",\"d\"]}]}"));
    database.rejects(400, "unknown field \"member.idx\"", () -> api.post("/v1/steer", "{\"modelId\":" + stories
        + ",\"member\":{\"vectorSetId\":1,\"idx\":0},\"prompt\":\"p\",\"alpha\":1}"));
    database.rejects(400, "unknown field \"context\"; did you mean \"contexts\"?",
        () -> api.post("/v1/factorizations/987654321/explain", "{\"context\":3}"));
    // a name nothing like an accepted one gets the list but no guess
    Http.Response r = api.post("/v1/keys", "{\"name\":\"k\",\"role\":\"reader\",\"colour\":\"red\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).isEqualTo("unknown field \"colour\"; accepted: name, role, expiresAt");
  }

  @Test
  void collectionAndSamplingRequestsRejectBadInput() {
    database.rejects(422, "layer 9 is out of range", () -> api.post("/v1/activations",
        "{\"modelId\":" + stories + ",\"datasetId\":" + tokensDataset + ",\"layers\":[1,9]}"));
    database.rejects(400, "layers", () -> api.post("/v1/activations",
        "{\"modelId\":" + stories + ",\"datasetId\":" + tokensDataset + "}"));
    database.rejects(422, "contextLength", () -> api.post("/v1/activations",
        "{\"modelId\":" + stories + ",\"datasetId\":" + tokensDataset + ",\"layers\":[1],\"contextLength\":1}"));
    database.rejects(400, "modelId, count and length are required", () -> api.post("/v1/datasets",
        "{\"name\":\"s\",\"kind\":\"model-samples\",\"modelId\":" + stories + "}"));
    database.rejects(422, "count", () -> api.post("/v1/datasets",
        "{\"name\":\"s\",\"kind\":\"model-samples\",\"modelId\":" + stories + ",\"count\":0,\"length\":4}"));
    database.rejects(404, "does not exist", () -> api.post("/v1/datasets",
        "{\"name\":\"s\",\"kind\":\"model-samples\",\"modelId\":987654321,\"count\":2,\"length\":4}"));
    database.rejects(409, "already exists", () -> api.post("/v1/datasets", "{\"name\":\"d-" + suffix
        + "\",\"kind\":\"model-samples\",\"modelId\":" + stories + ",\"count\":2,\"length\":4}"));
  }

  @Test
  void jobEndpointsRejectBadInput() {
    database.rejects(400, "status must be one of", () -> api.get("/v1/jobs?status=sleeping"));
    database.rejects(400, "invalid value", () -> api.get("/v1/jobs/one"));
    database.rejects(404, "does not exist", () -> api.get("/v1/jobs/987654321/events"));
    long id = jobs.submit("no-handler-" + suffix, JsonMapper.builder().build().createObjectNode(), 0, null).id();
    assertThat(api.post("/v1/jobs/" + id + "/cancel", "").json().get("status").asString()).isEqualTo("CANCELLED");
    database.rejects(409, "already finished", () -> api.post("/v1/jobs/" + id + "/cancel", ""));
  }
}
