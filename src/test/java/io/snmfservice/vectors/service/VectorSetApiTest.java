package io.snmfservice.vectors.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.features.NpyWriter;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.loader.SafetensorsTestWriter;
import io.snmfservice.vectors.SaeFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Vector sets through the API on the fortunes GPT-2: the trained SAE imported from its SAELens files and checked
 * against the reference latents, matrix uploads, sets from evaluations, steering and evaluation with members, and
 * broken uploads refused with 422 and nothing stored.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorSetApiTest {

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;
  @TempDir Path tmp;

  ContractClient api;
  long model;
  JsonNode sae;
  String suffix = Long.toString(System.nanoTime(), 36);

  @BeforeAll
  void importTheSae() throws IOException {
    api = new ContractClient(port);
    model = api.post("/v1/models", "{\"name\":\"vs-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Http.Response r = uploadSae("sae-" + suffix, SaeFixture.cfg().getBytes(), Files.readAllBytes(SaeFixture.WEIGHTS));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    sae = r.json();
  }

  @Test
  void theImportedSaeEncodesTheReferenceSentencesLikeThePyTorchReference() {
    assertThat(sae.get("hook").asString()).isEqualTo("blocks.2.hook_resid_post");
    assertThat(sae.get("size").asInt()).isEqualTo(1024);
    assertThat(sae.get("d").asInt()).isEqualTo(128);
    assertThat(sae.get("encodable").asBoolean()).isTrue();
    assertThat(sae.get("source").asString()).isEqualTo("sae");
    double maxDiff = 0;
    for (JsonNode c : SaeFixture.reference().get("cases")) {
      JsonNode encoded = api.post("/v1/vector-sets/" + sae.get("id").asLong() + "/encode",
          JsonMapper.builder().build().createObjectNode().put("text", c.get("text").asString()).put("top", 10)
              .toString()).json();
      assertThat(encoded.get("tokens").toString()).isEqualTo(c.get("token_ids").toString());
      for (int t = 0; t < c.get("token_ids").size(); t++) {
        JsonNode mine = encoded.get("latents").get(t);
        int[] ids = new int[10];
        float[] values = new float[10];
        for (int k = 0; k < 10; k++) {
          ids[k] = mine.get("ids").get(k).asInt();
          values[k] = (float) mine.get("values").get(k).asDouble();
        }
        SaeFixture.TopDiff diff = SaeFixture.compare(ids, values, c.get("top_latents").get(t));
        assertThat(diff.idMismatches()).as("token %d of '%s'", t, c.get("text").asString()).isZero();
        maxDiff = Math.max(maxDiff, diff.maxValueDiff());
        assertThat(mine.get("l0").asInt()).isEqualTo(c.get("l0").get(t).asInt());
        double mse = c.get("reconstruction_mse").get(t).asDouble();
        assertThat(mine.get("reconstructionMse").asDouble()).isCloseTo(mse, org.assertj.core.data.Offset.offset(1e-3 * Math.max(1, mse)));
      }
    }
    System.out.printf("SAE via API (model forward + encode) vs reference: max |latent diff| %.2e%n", maxDiff);
    assertThat(maxDiff).isLessThan(1e-3);
    JsonNode member = api.get("/v1/vector-sets/" + sae.get("id").asLong() + "/members/17").json();
    assertThat(member.get("label").asString()).isEqualTo("latent-17");
    assertThat(member.get("vector")).hasSize(128);
    JsonNode page = api.get("/v1/vector-sets/" + sae.get("id").asLong() + "/members?page=1&size=100").json();
    assertThat(page.get("total").asLong()).isEqualTo(1024);
    assertThat(page.get("items").get(0).get("index").asInt()).isEqualTo(100);
    assertThat(api.get("/v1/vector-sets?modelId=" + model).json().get("items")).isNotEmpty();
  }

  @Test
  void brokenSaeUploadsAre422AndStoreNothing() throws IOException {
    long before = sets();
    byte[] cfg = SaeFixture.cfg().getBytes();
    rejects("W_dec has shape [128, 1024]", uploadSae("bad1-" + suffix, cfg,
        safetensors(Map.of("W_dec", new HostTensor(new float[128 * 1024], 128, 1024)))));
    rejects("no W_dec", uploadSae("bad2-" + suffix, cfg,
        safetensors(Map.of("W_enc", new HostTensor(new float[128 * 1024], 128, 1024)))));
    float[] nan = new float[1024 * 128];
    nan[5] = Float.NaN;
    rejects("NaN", uploadSae("bad3-" + suffix, cfg, safetensors(Map.of("W_dec", new HostTensor(nan, 1024, 128)))));
    byte[] weights = Files.readAllBytes(SaeFixture.WEIGHTS);
    rejects("outside the model's layers", uploadSae("bad4-" + suffix,
        SaeFixture.cfg().replace("blocks.2.hook_resid_post", "blocks.9.hook_resid_post").getBytes(), weights));
    rejects("unknown hook point", uploadSae("bad5-" + suffix,
        SaeFixture.cfg().replace("blocks.2.hook_resid_post", "blocks.2.attn.hook_z").getBytes(), weights));
    rejects("width 512 (d_mlp)", uploadSae("bad6-" + suffix,
        SaeFixture.cfg().replace("blocks.2.hook_resid_post", "blocks.2.mlp.hook_post").getBytes(), weights));
    rejects("not valid JSON", uploadSae("bad7-" + suffix, "{".getBytes(), weights));
    rejects("safetensors", uploadSae("bad8-" + suffix, cfg, new byte[] {9, 9, 9}));
    Http.Response missing = api.uploadParts("/v1/vector-sets", Map.of("cfg", Map.entry("cfg.json", cfg)),
        Map.of("modelId", Long.toString(model), "name", "bad9-" + suffix, "kind", "sae"));
    assertThat(missing.status()).as(missing.body()).isEqualTo(400);
    assertThat(sets()).isEqualTo(before);
  }

  @Test
  void aMatrixUploadBecomesASetAndBadMatricesAreRefused() throws IOException {
    Path npy = tmp.resolve("three.npy");
    try (NpyWriter w = NpyWriter.float32(npy, 3, 128)) {
      for (int i = 0; i < 3 * 128; i++) {
        w.writeFloat(i % 128 == i / 128 ? 1f : 0f);
      }
    }
    Http.Response r = uploadMatrix("rows-" + suffix, "blocks.1.hook_mlp_out", "three.npy", Files.readAllBytes(npy));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    long id = r.json().get("id").asLong();
    assertThat(r.json().get("size").asInt()).isEqualTo(3);
    assertThat(r.json().get("encodable").asBoolean()).isFalse();
    JsonNode row = api.get("/v1/vector-sets/" + id + "/members/2").json();
    assertThat(row.get("vector").get(2).asDouble()).isEqualTo(1.0);
    assertThat(row.get("norm").asDouble()).isEqualTo(1.0);
    long before = sets();
    rejects("width 128 (d_model)", uploadMatrix("m1-" + suffix, "blocks.1.hook_resid_pre", "w.safetensors",
        safetensors(Map.of("v", new HostTensor(new float[4 * 100], 4, 100)))));
    float[] inf = new float[2 * 512];
    inf[3] = Float.POSITIVE_INFINITY;
    rejects("NaN or infinite", uploadMatrix("m2-" + suffix, "blocks.1.mlp.hook_post", "w.safetensors",
        safetensors(Map.of("v", new HostTensor(inf, 2, 512)))));
    rejects("name the tensor", uploadMatrix("m3-" + suffix, "blocks.1.mlp.hook_post", "w.safetensors",
        safetensors(Map.of("a", new HostTensor(new float[512], 1, 512), "b", new HostTensor(new float[512], 1, 512)))));
    rejects("no SAE encoder", api.post("/v1/vector-sets/" + id + "/encode", "{\"text\":\"hello\"}"));
    assertThat(sets()).isEqualTo(before);
    assertThat(api.delete("/v1/vector-sets/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/vector-sets/" + id).status()).isEqualTo(404);
  }

  @Test
  void steeringAndEvaluationAcceptMembersAndDiffMeansBecomeASet() {
    long setId = sae.get("id").asLong();
    var accepted = api.post("/v1/steering", "{\"modelId\":" + model + ",\"members\":[{\"vectorSetId\":" + setId
        + ",\"index\":127}],\"klTargets\":[0.1],\"signs\":[\"+\"],\"generations\":1,\"newTokens\":4,\"seed\":1}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonNode done = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(2));
    JsonNode run = api.get("/v1/steering/" + done.get("result").get("steeringRunIds").get(0).asLong()).json();
    assertThat(run.get("hook").asString()).isEqualTo("blocks.2.hook_resid_post");
    assertThat(run.get("vectorSetId").asLong()).isEqualTo(setId);
    assertThat(run.get("vectorIndex").asInt()).isEqualTo(127);
    JsonNode outcome = run.get("outcomes").get(0);
    assertThat(outcome.get("status").asString()).isEqualTo("REACHED");
    assertThat(Math.abs(outcome.get("kl").asDouble() - 0.1)).isLessThanOrEqualTo(0.005);

    JsonNode steered = api.post("/v1/steer", "{\"modelId\":" + model + ",\"member\":{\"vectorSetId\":" + setId
        + ",\"index\":127},\"prompt\":\"I think that\",\"alpha\":" + outcome.get("alpha").asDouble()
        + ",\"newTokens\":4}").json();
    assertThat(steered.get("kl").asDouble()).isCloseTo(outcome.get("kl").asDouble(),
        org.assertj.core.data.Offset.offset(1e-4));

    List<String> german = List.of("Wer rastet, der rostet.", "Morgenstund hat Gold im Mund.",
        "Aller Anfang ist schwer.", "Übung macht den Meister.");
    List<String> english = List.of("A friend in need is a friend indeed.", "Practice makes perfect.",
        "Better late than never.", "Time is money.");
    String concepts = "[{\"name\":\"german\",\"sentences\":" + json(german) + ",\"neutral\":" + json(english) + "}]";
    var evaluation = api.post("/v1/evaluations", "{\"modelId\":" + model + ",\"layer\":2,\"hook\":\"hook_resid_post\","
        + "\"concepts\":" + concepts + ",\"members\":[{\"vectorSetId\":" + setId + ",\"index\":127}]}");
    assertThat(evaluation.status()).as(evaluation.body()).isEqualTo(202);
    long evaluationId = Jobs.awaitSucceeded(api, evaluation.json().get("id").asLong(), Duration.ofMinutes(1))
        .get("result").get("evaluationId").asLong();
    JsonNode rows = api.get("/v1/evaluations/" + evaluationId).json().get("rows");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).get("method").asString()).isEqualTo("vector-set-" + setId);

    rejects("not at the evaluated blocks.2.mlp.hook_post", api.post("/v1/evaluations", "{\"modelId\":" + model
        + ",\"layer\":2,\"concepts\":" + concepts + ",\"members\":[{\"vectorSetId\":" + setId + ",\"index\":1}]}"));
    assertThat(api.post("/v1/steering", "{\"modelId\":" + model + ",\"members\":[{\"vectorSetId\":" + setId
        + ",\"index\":5000}]}").status()).isEqualTo(404);

    Http.Response fromEvaluation = api.post("/v1/vector-sets", "{\"name\":\"dm-" + suffix + "\",\"source\":\"diffmeans\","
        + "\"evaluationId\":" + evaluationId + "}");
    assertThat(fromEvaluation.status()).as(fromEvaluation.body()).isEqualTo(201);
    assertThat(fromEvaluation.json().get("hook").asString()).isEqualTo("blocks.2.hook_resid_post");
    JsonNode dm = api.get("/v1/vector-sets/" + fromEvaluation.json().get("id").asLong() + "/members/0").json();
    assertThat(dm.get("label").asString()).isEqualTo("diffmeans:german");
    assertThat(dm.get("norm").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  private Http.Response uploadSae(String name, byte[] cfg, byte[] weights) {
    Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
    files.put("cfg", Map.entry("cfg.json", cfg));
    files.put("weights", Map.entry("sae_weights.safetensors", weights));
    return api.uploadParts("/v1/vector-sets", files,
        Map.of("modelId", Long.toString(model), "name", name, "kind", "sae"));
  }

  private Http.Response uploadMatrix(String name, String hook, String fileName, byte[] bytes) {
    return api.uploadParts("/v1/vector-sets", Map.of("file", Map.entry(fileName, bytes)),
        Map.of("modelId", Long.toString(model), "name", name, "kind", "matrix", "hook", hook));
  }

  private byte[] safetensors(Map<String, HostTensor> tensors) throws IOException {
    Path file = Files.createTempFile(tmp, "w", ".safetensors");
    SafetensorsTestWriter.write(file, new LinkedHashMap<>(tensors), "F32");
    return Files.readAllBytes(file);
  }

  private long sets() {
    return jdbc.sql("SELECT count(*) FROM vector_set").query(Long.class).single();
  }

  private static void rejects(String detail, Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.json().get("detail").asString()).contains(detail);
  }

  private static String json(List<String> values) {
    return JsonMapper.builder().build().writeValueAsString(values);
  }
}
