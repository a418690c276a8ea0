package io.snmfservice.scoring.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.vectors.SaeFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The {@code score} job end to end on a real PostgreSQL and the real fortunes GPT-2: the SAE's core metrics on the
 * fixture's 40 texts through the API against the PyTorch totals, a factorization scored in-sample and held-out
 * (in-sample reconstruction error no larger than the factorization's own best loss: with F fixed the encoder's G
 * is optimal), and bad input refused with problem documents before any job exists.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScoreApiTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Value("${local.server.port}")
  int port;

  ContractClient api;
  JsonNode fixture;
  long model;
  long sae;
  long fortunes;
  long proverbs;
  long factorization;
  String suffix = Long.toString(System.nanoTime(), 36);

  @BeforeAll
  void setUp() throws IOException {
    api = new ContractClient(port);
    fixture = JSON.readTree(Files.readString(Path.of("../shared/fixtures/fortunes-sae-core-metrics.json")));
    model = api.post("/v1/models", "{\"name\":\"score-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
    files.put("cfg", Map.entry("cfg.json", SaeFixture.cfg().getBytes()));
    files.put("weights", Map.entry("sae_weights.safetensors", Files.readAllBytes(SaeFixture.WEIGHTS)));
    Http.Response upload = api.uploadParts("/v1/vector-sets", files,
        Map.of("modelId", Long.toString(model), "name", "sae-" + suffix, "kind", "sae"));
    assertThat(upload.status()).as(upload.body()).isEqualTo(201);
    sae = upload.json().get("id").asLong();
    ArrayNode texts = JSON.createArrayNode();
    fixture.get("texts").forEach(t -> texts.add(t.get("text").asString()));
    fortunes = dataset("fortunes-" + suffix, texts);
    proverbs = dataset("proverbs-" + suffix, JSON.createArrayNode().add("A friend in need is a friend indeed.")
        .add("Wer rastet, der rostet.").add("Más vale tarde que nunca.").add("Chi dorme non piglia pesci.")
        .add("Practice makes perfect.").add("Aller Anfang ist schwer."));
    Http.Response factorize = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + proverbs
        + ",\"layer\":2,\"k\":8,\"maxIterations\":40,\"contextLength\":64,\"seed\":1}");
    assertThat(factorize.status()).as(factorize.body()).isEqualTo(202);
    factorization = Jobs.awaitSucceeded(api, factorize.json().get("id").asLong(), Duration.ofMinutes(2))
        .get("result").get("factorizationId").asLong();
  }

  @Test
  void theSaeScoredThroughTheApiReproducesThePyTorchTotals() {
    JsonNode score = scoreOf("{\"vectorSetId\":" + sae + ",\"datasetId\":" + fortunes
        + ",\"hook\":\"blocks.2.hook_resid_post\",\"contextLength\":256}");
    assertThat(score.has("inSample")).isFalse();
    JsonNode held = score.get("heldOut");
    JsonNode totals = fixture.get("totals");
    assertThat(held.get("tokens").asLong()).isEqualTo(totals.get("tokens").asLong());
    String[][] pairs = {{"ceClean", "ce_clean"}, {"ceSpliced", "ce_sae"}, {"ceZero", "ce_zero"}, {"ceMean", "ce_mean"},
        {"explainedVariance", "explained_variance"}, {"l0", "l0"},
        {"ceLossRecoveredVsZero", "ce_loss_recovered_vs_zero"}, {"ceLossRecoveredVsMean", "ce_loss_recovered_vs_mean"}};
    for (String[] p : pairs) {
      assertThat(held.get(p[0]).asDouble()).as(p[0]).isCloseTo(totals.get(p[1]).asDouble(), within(1e-3));
    }
    assertThat(held.get("klSpliced").asDouble()).isPositive().isLessThan(held.get("klMean").asDouble());
    assertThat(held.get("latents").asInt()).isEqualTo(1024);
    int binned = 0;
    for (JsonNode bin : held.get("density").get("bins")) {
      binned += bin.get("count").asInt();
    }
    assertThat(binned + held.get("deadLatents").asInt()).isEqualTo(1024);
    assertThat(held.get("firingRule").asString()).isEqualTo("latent > 0");

    long id = score.get("id").asLong();
    assertThat(api.get("/v1/scores?size=100").json().get("items").findValuesAsString("id"))
        .isNotNull();
    assertThat(api.delete("/v1/scores/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/scores/" + id).status()).isEqualTo(404);
  }

  @Test
  void aFactorizationIsScoredInSampleAndHeldOutWithTheSnmfEncoder() {
    JsonNode f = api.get("/v1/factorizations/" + factorization).json();
    JsonNode score = scoreOf("{\"factorizationId\":" + factorization + ",\"datasetId\":" + fortunes
        + ",\"maxDocuments\":10}");
    JsonNode in = score.get("inSample");
    JsonNode held = score.get("heldOut");
    assertThat(in.get("datasetId").asLong()).isEqualTo(proverbs);
    assertThat(held.get("datasetId").asLong()).isEqualTo(fortunes);
    // in-sample means the factorization's own columns: same tokens, and with F fixed the encoder's G is the best
    // nonnegative one, so its error is no larger than the factorization's best loss ‖A − F Gᵀ‖²
    assertThat(in.get("activations").asLong()).isEqualTo(f.get("nTokens").asLong());
    double bestLoss = Double.MAX_VALUE;
    for (JsonNode loss : f.get("lossCurve")) {
      bestLoss = Math.min(bestLoss, loss.asDouble());
    }
    double inSampleError = in.get("mse").asDouble() * in.get("activations").asLong();
    assertThat(inSampleError).isLessThanOrEqualTo(bestLoss * (1 + 1e-3));
    for (JsonNode split : new JsonNode[] {in, held}) {
      assertThat(split.get("latents").asInt()).isEqualTo(8);
      assertThat(split.get("explainedVariance").asDouble()).isBetween(0.0, 1.0);
      assertThat(split.get("ceSpliced").asDouble()).isGreaterThanOrEqualTo(split.get("ceClean").asDouble() - 0.05);
      assertThat(split.get("l0").asDouble()).isBetween(0.0, 8.0);
      assertThat(split.get("firingRule").asString()).startsWith("g_k");
    }
    assertThat(score.get("encoder").get("unconvergedBatches").asInt()).isNotNegative();
    assertThat(score.get("settings").get("level").asInt()).isZero();
  }

  @Test
  void badInputIsAProblemBeforeAnyJobExists() {
    rejects(404, "factorization 987654321", "{\"factorizationId\":987654321,\"datasetId\":" + fortunes + "}");
    rejects(404, "vector set", "{\"vectorSetId\":987654321,\"datasetId\":" + fortunes + "}");
    rejects(404, "dataset", "{\"vectorSetId\":" + sae + ",\"datasetId\":987654321}");
    rejects(422, "exactly one of", "{\"vectorSetId\":" + sae + ",\"factorizationId\":" + factorization
        + ",\"datasetId\":" + fortunes + "}");
    rejects(422, "exactly one of", "{\"datasetId\":" + fortunes + "}");
    rejects(422, "lives at blocks.2.hook_resid_post", "{\"vectorSetId\":" + sae + ",\"datasetId\":" + fortunes
        + ",\"hook\":\"blocks.1.hook_resid_post\"}");
    rejects(422, "lives at blocks.2.mlp.hook_post", "{\"factorizationId\":" + factorization + ",\"datasetId\":"
        + fortunes + ",\"hook\":\"blocks.2.hook_resid_post\"}");
    rejects(422, "unknown hook point", "{\"vectorSetId\":" + sae + ",\"datasetId\":" + fortunes
        + ",\"hook\":\"blocks.2.attn.hook_z\"}");
    rejects(422, "no features at level 7", "{\"factorizationId\":" + factorization + ",\"datasetId\":" + fortunes
        + ",\"level\":7}");
    rejects(422, "level applies to a factorization", "{\"vectorSetId\":" + sae + ",\"datasetId\":" + fortunes
        + ",\"level\":0}");
    rejects(422, "maxDocuments", "{\"vectorSetId\":" + sae + ",\"datasetId\":" + fortunes
        + ",\"maxDocuments\":0}");
    long matrix = api.post("/v1/vector-sets", "{\"name\":\"from-f-" + suffix + "\",\"source\":\"factorization\",\"factorizationId\":"
        + factorization + "}").json().get("id").asLong();
    rejects(422, "no SAE encoder", "{\"vectorSetId\":" + matrix + ",\"datasetId\":" + fortunes + "}");
    assertThat(api.get("/v1/scores/987654321").status()).isEqualTo(404);
  }

  private JsonNode scoreOf(String body) {
    Http.Response accepted = api.post("/v1/scores", body);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonNode job = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(3));
    return api.get("/v1/scores/" + job.get("result").get("scoreId").asLong()).json();
  }

  private long dataset(String name, ArrayNode texts) {
    return api.post("/v1/datasets", JSON.createObjectNode().put("name", name).put("kind", "text").set("texts", texts)
        .toString()).json().get("id").asLong();
  }

  private void rejects(int status, String detail, String body) {
    Http.Response r = api.post("/v1/scores", body);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().get("detail").asString()).contains(detail);
  }
}
