package io.snmfservice.neuronpedia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.snmfservice.features.NpyWriter;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The Neuronpedia vector-upload export of vector sets and of a factorization level on the fortunes GPT-2: every
 * body passes the upstream route's schema ({@link #checkUpstreamSchema}), vectors already in the residual stream
 * pass unchanged, and the mapped ones steer exactly as the originals do at their own hook.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeuronpediaVectorsApiTest {

  @Value("${local.server.port}")
  int port;

  @TempDir Path tmp;

  ContractClient api;
  long model;
  int dModel;
  int dMlp;
  int nLayers;
  String suffix = Long.toString(System.nanoTime(), 36);

  @BeforeAll
  void register() {
    api = new ContractClient(port);
    JsonNode m = api.post("/v1/models", "{\"name\":\"npv-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json();
    model = m.get("id").asLong();
    dModel = m.get("dModel").asInt();
    dMlp = m.get("dMlp").asInt();
    nLayers = m.get("nLayers").asInt();
  }

  /**
   * The rules of Neuronpedia's {@code POST /api/vector/new} (apps/webapp/app/api/vector/new/route.tsx: its yup
   * schema, OpenAPI comment and checks; hook types from apps/webapp/lib/utils/neuron-vector.ts), and no other field.
   */
  static void checkUpstreamSchema(JsonNode body, int dModel, int nLayers) {
    assertThat(body.isObject()).isTrue();
    assertThat(body.propertyNames()).containsExactlyInAnyOrder("modelId", "layerNumber", "hookType", "vector",
        "vectorDefaultSteerStrength", "vectorLabel");
    assertThat(body.get("modelId").isString()).isTrue();
    assertThat(body.get("modelId").asString()).isNotEmpty();
    assertThat(body.get("layerNumber").isIntegralNumber()).isTrue();
    assertThat(body.get("layerNumber").asInt()).isBetween(0, nLayers - 1);
    assertThat(body.get("hookType").isString()).isTrue();
    assertThat(body.get("hookType").asString()).isIn("hook_resid_pre", "hook_resid_post");
    assertThat(body.get("vector").isArray()).isTrue();
    assertThat(body.get("vector").size()).isLessThanOrEqualTo(24576).isEqualTo(dModel);
    body.get("vector").forEach(v -> assertThat(v.isNumber()).isTrue());
    assertThat(body.get("vectorDefaultSteerStrength").isNumber()).isTrue();
    assertThat(body.get("vectorDefaultSteerStrength").asDouble()).isBetween(-100.0, 100.0);
    assertThat(body.get("vectorLabel").isString()).isTrue();
    assertThat(body.get("vectorLabel").asString()).isNotBlank();
  }

  private JsonNode export(String path) {
    Http.Response r = api.get(path);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.header("Content-Disposition")).startsWith("attachment; filename=\"neuronpedia-vectors-");
    JsonNode bodies = r.json();
    bodies.forEach(b -> checkUpstreamSchema(b, dModel, nLayers));
    return bodies;
  }

  @Test
  void residualVectorsGoAsTheyAre() throws IOException {
    float[][] rows = rows(3, dModel, 1);
    long pre = upload("pre-" + suffix, "blocks.1.hook_resid_pre", rows);
    JsonNode bodies = export("/v1/vector-sets/" + pre + "/export/neuronpedia-vectors?modelId=fortunes&steerStrength=-2.5");
    assertThat(bodies).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode b = bodies.get(i);
      assertThat(b.get("modelId").asString()).isEqualTo("fortunes");
      assertThat(b.get("layerNumber").asInt()).isEqualTo(1);
      assertThat(b.get("hookType").asString()).isEqualTo("hook_resid_pre");
      assertThat(b.get("vectorDefaultSteerStrength").asDouble()).isEqualTo(-2.5);
      assertThat(b.get("vectorLabel").asString()).isEqualTo("row-" + i);
      for (int j = 0; j < dModel; j++) {
        assertThat(b.get("vector").get(j).floatValue()).isEqualTo(rows[i][j]);
      }
    }
    long out = upload("out-" + suffix, "blocks.2.hook_mlp_out", rows);
    JsonNode outBodies = export("/v1/vector-sets/" + out + "/export/neuronpedia-vectors");
    assertThat(outBodies.get(0).get("hookType").asString()).isEqualTo("hook_resid_post");
    assertThat(outBodies.get(0).get("layerNumber").asInt()).isEqualTo(2);
    assertThat(outBodies.get(0).get("modelId").asString()).isEqualTo("npv-" + suffix);
    assertThat(outBodies.get(0).get("vectorDefaultSteerStrength").asDouble()).isEqualTo(10.0);
    assertThat(outBodies.get(2).get("vector")).isEqualTo(bodies.get(2).get("vector"));
  }

  @Test
  void mlpSpaceVectorsSteerTheResidualStreamAsTheyDoTheirOwnHook() throws IOException {
    float[][] rows = rows(2, dMlp, 2);
    long mlp = upload("mlp-" + suffix, "blocks.1.mlp.hook_post", rows);
    JsonNode bodies = export("/v1/vector-sets/" + mlp + "/export/neuronpedia-vectors");
    assertThat(bodies).hasSize(2);
    assertThat(bodies.get(1).get("hookType").asString()).isEqualTo("hook_resid_post");
    assertThat(bodies.get(1).get("layerNumber").asInt()).isEqualTo(1);
    for (int i = 0; i < 2; i++) {
      sameSteering("{\"vectorSetId\":" + mlp + ",\"index\":" + i + "}", norm(rows[i]), bodies.get(i), 1);
    }
  }

  @Test
  void aFactorizationLevelExportsItsFeaturesAsResidualVectors() {
    long dataset = api.post("/v1/datasets", "{\"name\":\"npv-" + suffix + "\",\"kind\":\"text\",\"texts\":"
        + "[\"A friend in need is a friend indeed.\",\"Wer rastet, der rostet.\",\"Más vale tarde que nunca.\","
        + "\"Chi dorme non piglia pesci.\"]}").json().get("id").asLong();
    var job = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":1,\"k\":4,\"maxIterations\":10,\"seed\":1}");
    assertThat(job.status()).as(job.body()).isEqualTo(202);
    long factorization = Jobs.awaitSucceeded(api, job.json().get("id").asLong(), Duration.ofMinutes(2))
        .get("result").get("factorizationId").asLong();
    JsonNode bodies = export("/v1/factorizations/" + factorization + "/export/neuronpedia-vectors?level=0");
    JsonNode features = api.get("/v1/factorizations/" + factorization + "/features?size=10").json().get("items");
    assertThat(bodies).hasSize(4);
    for (int k = 0; k < 4; k++) {
      int index = features.get(k).get("index").asInt();
      assertThat(bodies.get(k).get("vectorLabel").asString())
          .isEqualTo("snmf-" + factorization + " level 0 #" + index);
      assertThat(bodies.get(k).get("hookType").asString()).isEqualTo("hook_resid_post");
    }
    long feature = features.get(0).get("id").asLong();
    JsonNode direction = api.get("/v1/features/" + feature).json().get("direction");
    float[] f = new float[direction.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = direction.get(i).floatValue();
    }
    sameSteering(null, norm(f), bodies.get(0), feature);

    // problems: RFC 9457 documents, nothing half-written
    problem(api.get("/v1/factorizations/987654321/export/neuronpedia-vectors"), 404);
    problem(api.get("/v1/factorizations/" + factorization + "/export/neuronpedia-vectors?level=7"), 422);
    problem(api.get("/v1/factorizations/" + factorization + "/export/neuronpedia-vectors?steerStrength=500"), 422);
    problem(api.get("/v1/factorizations/" + factorization + "/export/neuronpedia-vectors?steerStrength=NaN"), 422);
    problem(api.get("/v1/factorizations/" + factorization + "/export/neuronpedia-vectors?steerStrength=strong"), 400);
    problem(api.get("/v1/factorizations/" + factorization + "/export/neuronpedia-vectors?modelId=a%20b"), 422);
  }

  @Test
  void missingVectorSetsAreProblems() {
    problem(api.get("/v1/vector-sets/987654321/export/neuronpedia-vectors"), 404);
    problem(api.get("/v1/vector-sets/abc/export/neuronpedia-vectors"), 400);
  }

  private static void problem(Http.Response r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
  }

  /**
   * Steering with the original (a member, or else a feature) by α and with the exported vector, uploaded as a
   * {@code hook_resid_post} set, by the α that adds the same vector: the service steers along unit directions, so
   * α · f/‖f‖ at mlp.hook_post equals α (‖W_out f‖/‖f‖) · v/‖v‖ at hook_resid_post, v = W_out f.
   */
  private void sameSteering(String member, double originalNorm, JsonNode body, long feature) {
    JsonNode vector = body.get("vector");
    float[][] v = new float[1][vector.size()];
    for (int j = 0; j < v[0].length; j++) {
      v[0][j] = vector.get(j).floatValue();
    }
    long resid;
    try {
      resid = upload("resid-" + System.nanoTime(), "blocks." + body.get("layerNumber").asInt() + ".hook_resid_post", v);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    double alpha = 6;
    String original = member != null ? "\"member\":" + member : "\"featureId\":" + feature;
    JsonNode a = api.post("/v1/steer", "{\"modelId\":" + model + "," + original + ",\"prompt\":\"A friend in\","
        + "\"alpha\":" + alpha + ",\"newTokens\":1,\"seed\":1}").json();
    JsonNode b = api.post("/v1/steer", "{\"modelId\":" + model + ",\"member\":{\"vectorSetId\":" + resid
        + ",\"index\":0},\"prompt\":\"A friend in\",\"alpha\":" + alpha * norm(v[0]) / originalNorm
        + ",\"newTokens\":1,\"seed\":1}").json();
    assertThat(a.get("kl").asDouble()).as(a.toString()).isGreaterThan(1e-4);
    assertThat(b.get("kl").asDouble()).isCloseTo(a.get("kl").asDouble(), within(1e-4 + 1e-3 * a.get("kl").asDouble()));
  }

  private long upload(String name, String hook, float[][] rows) throws IOException {
    Path npy = Files.createTempFile(tmp, "rows", ".npy");
    try (NpyWriter w = NpyWriter.float32(npy, rows.length, rows[0].length)) {
      for (float[] row : rows) {
        for (float x : row) {
          w.writeFloat(x);
        }
      }
    }
    Http.Response r = api.uploadParts("/v1/vector-sets", Map.of("file", Map.entry("rows.npy", Files.readAllBytes(npy))),
        Map.of("modelId", Long.toString(model), "name", name, "kind", "matrix", "hook", hook));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asLong();
  }

  private static float[][] rows(int n, int d, long seed) {
    Random random = new Random(seed);
    float[][] out = new float[n][d];
    for (float[] row : out) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return out;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
