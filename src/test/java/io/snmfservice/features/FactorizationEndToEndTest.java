package io.snmfservice.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The main job end to end on real weights and a real PostgreSQL: stories260K → 2,000 sampled sequences →
 * factorize layer 2 with K = 32 → stored features checked against the exported factors and an independent
 * vocabulary projection; then a two-level hierarchy over the same (reused) activations.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FactorizationEndToEndTest {

  private static final Path STORIES = Path.of("../shared/models/stories260K/stories260K.bin");

  @Value("${local.server.port}")
  int port;

  ContractClient api;
  long model;
  long dataset;

  @BeforeAll
  void sampleDataset() {
    api = new ContractClient(port);
    model = api.post("/v1/models", "{\"name\":\"e2e-" + Long.toString(System.nanoTime(), 36)
        + "\",\"source\":\"llama2c\",\"path\":\"" + STORIES + "\"}").json().get("id").asLong();
    dataset = sample(2000);
  }

  private long sample(int count) {
    long job = api.post("/v1/datasets", "{\"name\":\"e2e-samples-" + Long.toString(System.nanoTime(), 36)
        + "\",\"kind\":\"model-samples\",\"modelId\":" + model + ",\"count\":" + count
        + ",\"length\":31,\"seed\":1}").json().get("id").asLong();
    return Jobs.awaitSucceeded(api, job, Duration.ofMinutes(3)).get("result").get("datasetId").asLong();
  }

  private JsonNode factorize(String extra) {
    return factorize(dataset, extra);
  }

  private JsonNode factorize(long dataset, String extra) {
    var accepted = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":2,\"sparsity\":0.1,\"maxIterations\":60,\"patience\":60,\"topInputs\":10,\"contextWindow\":5,"
        + "\"contextLength\":32,\"batchSize\":64," + extra + "}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    List<JsonNode> seen = Jobs.awaitFinished(api, accepted.json().get("id").asLong(), Duration.ofMinutes(5));
    JsonNode done = seen.get(seen.size() - 1);
    assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(seen).anySatisfy(s -> assertThat(s.get("message").asString("")).startsWith("iteration"));
    assertThat(seen.stream().map(s -> s.get("stage").asString("")).distinct())
        .contains("factorize", "interpret");
    return done;
  }

  @Test
  void storedFeaturesAgreeWithExportedFactorsAndAnIndependentVocabProjection() throws Exception {
    JsonNode job = factorize("\"k\":32");
    long id = job.get("result").get("factorizationId").asLong();
    JsonNode detail = api.get("/v1/factorizations/" + id).json();
    assertThat(detail.get("nTokens").asLong()).isEqualTo(2000 * 31);
    assertThat(detail.get("lossCurve").size()).isEqualTo(detail.get("iterations").asInt());
    assertThat(detail.get("relativeError").asDouble()).isBetween(0.0, 1.0);

    Map<String, Npy> files = unzip(download("/v1/factorizations/" + id + "/export?format=npy"));
    Npy g = files.get("G.npy");
    Npy tokens = files.get("tokens.npy");
    Npy f = files.get("F_level0.npy");
    assertThat(g.shape()).containsExactly(2000 * 31, 32);
    assertThat(f.shape()).containsExactly(172, 32);
    Map<Long, Integer> columnOf = new HashMap<>();
    for (int c = 0; c < tokens.shape()[0]; c++) {
      columnOf.put(((long) tokens.i(c, 0) << 32) | tokens.i(c, 1), c);
    }

    Stories260kWeights weights = new Stories260kWeights(STORIES);
    JsonNode features = api.get("/v1/factorizations/" + id + "/features?size=100").json().get("items");
    assertThat(features).hasSize(32);
    for (JsonNode feature : features) {
      int k = feature.get("index").asInt();
      long featureId = feature.get("id").asLong();
      float[] column = new float[g.shape()[0]];
      for (int c = 0; c < column.length; c++) {
        column[c] = g.f(c, k);
      }
      float[] sorted = column.clone();
      Arrays.sort(sorted);
      JsonNode top = api.get("/v1/features/" + featureId + "/top-inputs").json();
      assertThat(top).hasSize(10);
      for (JsonNode input : top) {
        int rank = input.get("rank").asInt();
        int c = columnOf.get(((long) input.get("document").asInt() << 32) | input.get("position").asInt());
        assertThat(input.get("tokenId").asInt()).isEqualTo(tokens.i(c, 2));
        assertThat(input.get("activation").asDouble()).isCloseTo(column[c], within(1e-6 + 1e-5 * column[c]));
        assertThat((double) column[c]).isCloseTo(sorted[sorted.length - 1 - rank], within(1e-6 + 1e-5 * column[c]));
        int at = input.get("position").asInt() - input.get("contextStart").asInt();
        assertThat(input.get("contextActivations").get(at).asDouble()).isCloseTo(column[c], within(1e-5));
      }

      // examples by activation decile: real tokens in their bin, whose bounds and share are the deciles of the
      // active activations in the exported G (m ≤ the reservoir here, so exact): e_b = x(⌈b·m/10⌉)
      double threshold = 0.01 * sorted[sorted.length - 1];
      int firstActive = 0;
      while (sorted[firstActive] <= threshold) {
        firstActive++;
      }
      float[] active = Arrays.copyOfRange(sorted, firstActive, sorted.length);
      int m = active.length;
      JsonNode examples = api.get("/v1/features/" + featureId + "/examples").json();
      assertThat(examples.size()).isPositive();
      int previousBin = Integer.MAX_VALUE;
      for (JsonNode example : examples) {
        int bin = example.get("bin").asInt();
        assertThat(bin).isLessThanOrEqualTo(previousBin);
        previousBin = bin;
        double low = bin == 0 ? active[0] : active[(int) Math.ceil(bin * m / 10.0) - 1];
        double high = active[(int) Math.ceil((bin + 1) * m / 10.0) - 1];
        assertThat(example.get("binLow").asDouble()).isCloseTo(low, within(1e-6 * high));
        assertThat(example.get("binHigh").asDouble()).isCloseTo(high, within(1e-6 * high));
        long members = 0;
        for (float v : active) {
          members += (v > low || bin == 0) && v <= high ? 1 : 0;
        }
        assertThat(example.get("binFraction").asDouble()).isCloseTo((double) members / m, within(1e-6));
        assertThat(example.get("binExact").asBoolean()).isTrue();
        JsonNode input = example.get("input");
        int c = columnOf.get(((long) input.get("document").asInt() << 32) | input.get("position").asInt());
        assertThat(input.get("activation").asDouble()).isCloseTo(column[c], within(1e-6 + 1e-5 * column[c]))
            .isGreaterThan(example.get("binLow").asDouble() - (bin == 0 ? 1e-6 : 0))
            .isLessThanOrEqualTo(example.get("binHigh").asDouble());
        StringBuilder pieces = new StringBuilder();
        input.get("contextPieces").forEach(p -> pieces.append(p.asString()));
        assertThat(pieces.toString()).isEqualTo(input.get("contextText").asString());
      }

      float[] direction = new float[172];
      for (int i = 0; i < 172; i++) {
        direction[i] = f.f(i, k);
      }
      double[] expected = weights.projectToVocab(2, direction);
      JsonNode vocab = api.get("/v1/features/" + featureId + "/vocab").json();
      assertThat(vocab.get("promoted")).hasSize(75);
      Integer[] order = java.util.stream.IntStream.range(0, expected.length).boxed().toArray(Integer[]::new);
      Arrays.sort(order, (a, b) -> Double.compare(expected[b], expected[a]));
      for (int r = 0; r < 5; r++) {
        JsonNode entry = vocab.get("promoted").get(r);
        assertThat(entry.get("logit").asDouble()).isCloseTo(expected[order[r]], within(1e-3));
        assertThat(entry.get("logit").asDouble()).isCloseTo(expected[entry.get("tokenId").asInt()], within(1e-3));
      }
      JsonNode lowest = vocab.get("suppressed").get(0);
      assertThat(lowest.get("logit").asDouble()).isCloseTo(expected[order[order.length - 1]], within(1e-3));
    }

    byte[] safetensors = download("/v1/factorizations/" + id + "/export?format=safetensors");
    long headerLength = ByteBuffer.wrap(safetensors, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = JsonMapper.builder().build()
        .readTree(new String(safetensors, 8, (int) headerLength, StandardCharsets.UTF_8));
    assertThat(header.get("G").get("shape").get(0).asInt()).isEqualTo(2000 * 31);
    assertThat(header.get("tokens").get("dtype").asString()).isEqualTo("I32");

    String metrics = api.raw().get("/actuator/prometheus").body();
    assertThat(metrics).contains("snmf_jobs_duration_seconds_count{status=\"SUCCEEDED\",type=\"factorize\"}",
        "snmf_jobs_submitted_total{type=\"factorize\"}", "snmf_factorization_iteration_seconds_count",
        "snmf_factorization_loss", "snmf_collect_tokens_per_second_count");
  }

  @Test
  void hierarchicalRequestStoresTwoLevelsAndTheirLinks() {
    // the joint fine-tune makes 500 passes over the data: a smaller dataset keeps it to seconds
    JsonNode job = factorize(sample(400), "\"levels\":[32,8],\"fineTune\":true");
    long id = job.get("result").get("factorizationId").asLong();
    assertThat(api.get("/v1/factorizations/" + id).json().get("levels").toString()).isEqualTo("[32,8]");
    JsonNode coarse = api.get("/v1/factorizations/" + id + "/features?level=1&size=50").json();
    assertThat(coarse.get("total").asInt()).isEqualTo(8);
    JsonNode fine = api.get("/v1/factorizations/" + id + "/features?level=0&size=50").json();
    assertThat(fine.get("total").asInt()).isEqualTo(32);
    // summaries carry the first five promoted tokens of each feature's vocabulary projection
    for (JsonNode summary : List.of(coarse.get("items").get(0), fine.get("items").get(31))) {
      JsonNode promoted = api.get("/v1/features/" + summary.get("id").asLong() + "/vocab").json().get("promoted");
      List<String> firstFive = new java.util.ArrayList<>();
      for (int i = 0; i < Math.min(5, promoted.size()); i++) {
        firstFive.add(promoted.get(i).get("token").asString());
      }
      assertThat(firstFive).isNotEmpty();
      assertThat(strings(summary.get("promotedTokens"))).isEqualTo(firstFive);
    }

    int linked = 0;
    for (JsonNode parent : coarse.get("items")) {
      JsonNode children = api.get("/v1/features/" + parent.get("id").asLong() + "/children").json();
      children.forEach(c -> {
        assertThat(c.get("feature").get("level").asInt()).isZero();
        assertThat(c.get("weight").asDouble()).isPositive();
      });
      linked += children.size();
    }
    assertThat(linked).isPositive();
    JsonNode parents = api.get("/v1/features/" + fine.get("items").get(0).get("id").asLong() + "/parents").json();
    parents.forEach(p -> assertThat(p.get("feature").get("level").asInt()).isEqualTo(1));

    assertThat(api.delete("/v1/factorizations/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/factorizations/" + id).status()).isEqualTo(404);
    assertThat(api.get("/v1/features/" + coarse.get("items").get(0).get("id").asLong()).status()).isEqualTo(404);
  }

  @Test
  void textCorpusOnTheByteLevelGpt2GivesReadableContextsAndTextSearch() {
    String suffix = Long.toString(System.nanoTime(), 36);
    long fortunes = api.post("/v1/models", "{\"name\":\"fortunes-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    StringBuilder texts = new StringBuilder();
    String[] lines = {"A friend in need is a friend indeed.", "Wer rastet, der rostet.", "Chi va piano va sano.",
        "The early bird catches the worm.", "Quien mucho abarca poco aprieta.", "Devagar se vai ao longe."};
    for (int i = 0; i < 30; i++) {
      texts.append(texts.length() == 0 ? "" : ",").append('"').append(lines[i % lines.length]).append('"');
    }
    long dataset = api.post("/v1/datasets", "{\"name\":\"proverbs-" + suffix + "\",\"kind\":\"text\",\"texts\":["
        + texts + "]}").json().get("id").asLong();
    var accepted = api.post("/v1/factorizations", "{\"modelId\":" + fortunes + ",\"datasetId\":" + dataset
        + ",\"layer\":1,\"k\":8,\"maxIterations\":30,\"topInputs\":5,\"contextWindow\":6}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonNode done = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(3));
    long id = done.get("result").get("factorizationId").asLong();
    assertThat(api.get("/v1/factorizations/" + id).json().get("d").asInt()).isEqualTo(512);
    JsonNode feature = api.get("/v1/factorizations/" + id + "/features?size=1").json().get("items").get(0);
    JsonNode top = api.get("/v1/features/" + feature.get("id").asLong() + "/top-inputs").json().get(0);
    String context = top.get("contextText").asString();
    assertThat(String.join("", strings(top.get("contextTokens")))).isEqualTo(context);
    assertThat(java.util.Arrays.stream(lines).anyMatch(l -> l.contains(context.strip()))).as(context).isTrue();
    String word = context.strip().split(" ")[0];
    JsonNode found = api.get("/v1/factorizations/" + id + "/features/search?text=" + word + "&size=500").json();
    assertThat(found.get("items")).extracting(f -> f.get("id").asLong()).contains(feature.get("id").asLong());
    assertSearchRankedByMatchingActivationMass(api, id, word, found);
    JsonNode none = api.get("/v1/factorizations/" + id + "/features/search?token=zzzz-no-such-token").json();
    assertThat(none.get("total").asLong()).isZero();
    assertThat(api.get("/v1/factorizations/" + (id + 1000) + "/features/search?token=the").status()).isEqualTo(404);
    assertThat(api.get("/v1/factorizations/" + (id + 1000) + "/features").status()).isEqualTo(404);
  }

  /**
   * Text search ranks features by the share of their top-activation mass on contexts containing the text,
   * recomputed here from every feature's top inputs: the same features, in non-increasing order of that share.
   */
  private static void assertSearchRankedByMatchingActivationMass(ContractClient api, long factorization, String word,
      JsonNode found) {
    java.util.Map<Long, Double> share = new java.util.HashMap<>();
    JsonNode all = api.get("/v1/factorizations/" + factorization + "/features?size=500").json().get("items");
    for (JsonNode f : all) {
      double matching = 0;
      double total = 0;
      for (JsonNode t : api.get("/v1/features/" + f.get("id").asLong() + "/top-inputs").json()) {
        double a = t.get("activation").asDouble();
        total += a;
        if (t.get("contextText").asString().toLowerCase(java.util.Locale.ROOT)
            .contains(word.toLowerCase(java.util.Locale.ROOT))) {
          matching += a;
        }
      }
      if (matching > 0) {
        share.put(f.get("id").asLong(), matching / total);
      }
    }
    List<Long> ids = new java.util.ArrayList<>();
    found.get("items").forEach(f -> ids.add(f.get("id").asLong()));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(share.keySet());
    assertThat(found.get("total").asLong()).isEqualTo(share.size());
    for (int i = 1; i < ids.size(); i++) {
      assertThat(share.get(ids.get(i))).as("rank %d", i).isLessThanOrEqualTo(share.get(ids.get(i - 1)) + 1e-6);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  private byte[] download(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + TestKeys.ADMIN).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static Map<String, Npy> unzip(byte[] zip) throws IOException {
    Map<String, Npy> out = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), Npy.parse(in.readAllBytes()));
      }
    }
    return out;
  }
}
