package io.snmfservice.explanations;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The service with an LLM judge configured, the judge being a local fake of the OpenAI-compatible chat API with
 * fixed rules: feature descriptions (explain jobs, detection scoring, search) and judge scores in comparisons.
 * The fake's rules make the expected numbers computable here: it describes every feature as "text containing the
 * letter e", answers detection questions by whether the text contains an "e", fuzzing questions by whether every
 * marked span contains an "e", rates concepts 2 and fluency 1.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JudgedApiTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DESCRIPTION = "text containing the letter e (fake judge)";
  private static HttpServer judge;
  private static final List<String> prompts = new CopyOnWriteArrayList<>();

  @Value("${local.server.port}")
  int port;

  ContractClient api;
  long model;
  long factorization;

  @DynamicPropertySource
  static void fakeJudge(DynamicPropertyRegistry registry) throws IOException {
    judge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    judge.setExecutor(Executors.newFixedThreadPool(2));
    judge.createContext("/v1/chat/completions", JudgedApiTest::reply);
    judge.start();
    registry.add("snmf.judge.base-url", () -> "http://127.0.0.1:" + judge.getAddress().getPort() + "/v1");
    registry.add("snmf.judge.model", () -> "fake-judge");
  }

  @AfterAll
  static void stopJudge() {
    judge.stop(0);
  }

  private static void reply(HttpExchange exchange) throws IOException {
    String prompt = JSON.readTree(exchange.getRequestBody().readAllBytes()).get("messages").get(0).get("content")
        .asString();
    prompts.add(prompt);
    String answer;
    if (prompt.startsWith("You are explaining one feature")) {
      answer = "Looking at the contexts...\nDescription: " + DESCRIPTION;
    } else if (prompt.startsWith("A feature of a language model has this description")) {
      answer = "Rating: [[" + (textOf(prompt).contains("e") ? 1 : 0) + "]]";
    } else if (prompt.startsWith("You are checking where a feature")) {
      answer = "Rating: [[" + (everyMarkHasAnE(textOf(prompt)) ? 1 : 0) + "]]";
    } else if (prompt.startsWith("You are grading the fluency")) {
      answer = "Rating: [[1]]";
    } else {
      answer = "Rating: [[2]]";
    }
    byte[] body = JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
        .set("message", JSON.createObjectNode().put("role", "assistant").put("content", answer)))).toString()
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static boolean everyMarkHasAnE(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("⟦([^⟧]*)⟧").matcher(text);
    boolean any = false;
    while (m.find()) {
      any = true;
      if (!m.group(1).contains("e")) {
        return false;
      }
    }
    return any;
  }

  /** A held-out context as the fuzzing test shows it: tokens at ≥ 0.3 of the context's maximum marked. */
  private static String marked(JsonNode input) {
    JsonNode tokens = input.get("contextTokens");
    JsonNode acts = input.get("contextActivations");
    double max = 0;
    for (JsonNode a : acts) {
      max = Math.max(max, a.asDouble());
    }
    StringBuilder out = new StringBuilder();
    boolean open = false;
    for (int i = 0; i < tokens.size(); i++) {
      boolean on = acts.get(i).floatValue() >= 0.3 * (float) max;
      if (on != open) {
        out.append(on ? "⟦" : "⟧");
        open = on;
      }
      out.append(tokens.get(i).asString());
    }
    return out.append(open ? "⟧" : "").toString().replace('\n', ' ');
  }

  /** The text between the triple quotes of a detection prompt. */
  private static String textOf(String prompt) {
    int start = prompt.indexOf("\"\"\"\n") + 4;
    return prompt.substring(start, prompt.indexOf("\n\"\"\"", start));
  }

  @BeforeAll
  void factorize() throws IOException {
    api = new ContractClient(port);
    String suffix = Long.toString(System.nanoTime(), 36);
    model = api.post("/v1/models", "{\"name\":\"judged-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    ArrayNode texts = JSON.createArrayNode();
    try (InputStream in = getClass().getResourceAsStream("/comparison/five-languages.json")) {
      JsonNode all = JSON.readTree(in);
      for (String language : List.of("english", "german", "spanish", "italian", "portuguese")) {
        all.get(language).forEach(texts::add);
      }
    }
    long dataset = api.post("/v1/datasets", JSON.createObjectNode().put("name", "judged-" + suffix).put("kind", "text")
        .set("texts", texts).toString()).json().get("id").asLong();
    var job = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":1,\"k\":6,\"sparsity\":0.1,\"maxIterations\":20,\"contextLength\":64,\"seed\":1}");
    factorization = Jobs.awaitSucceeded(api, job.json().get("id").asLong(), Duration.ofMinutes(2)).get("result")
        .get("factorizationId").asLong();
  }

  private JsonNode explained;

  /** Runs the explain job once for the class. */
  private synchronized JsonNode explain() {
    if (explained == null) {
      var accepted = api.post("/v1/factorizations/" + factorization + "/explain",
          "{\"contexts\":3,\"detectionContexts\":2}");
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
      explained = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(2));
    }
    return explained;
  }

  @Test
  void explainWritesDescriptionsScoredByDetectionAndSearchFindsThem() {
    JsonNode done = explain();
    assertThat(done.get("result").get("described").asInt()).isEqualTo(6);

    JsonNode features = api.get("/v1/factorizations/" + factorization + "/features").json().get("items");
    for (JsonNode summary : features) {
      long id = summary.get("id").asLong();
      assertThat(summary.get("description").asString()).isEqualTo(DESCRIPTION);
      JsonNode d = api.get("/v1/features/" + id + "/description").json();
      JsonNode top = api.get("/v1/features/" + id + "/top-inputs").json();
      Set<String> own = new HashSet<>();
      top.forEach(t -> own.add(t.get("contextText").asString()));
      int correct = 0;
      int activating = 0;
      for (JsonNode trial : d.get("trials")) {
        String text = trial.get("text").asString();
        assertThat(trial.get("answer").asBoolean()).isEqualTo(text.contains("e"));
        if (trial.get("activating").asBoolean()) {
          // held out: the feature's top contexts after the three the judge was shown
          assertThat(text).isEqualTo(top.get(3 + activating).get("contextText").asString());
          activating++;
        } else {
          assertThat(own).doesNotContain(text);
        }
        correct += trial.get("answer").asBoolean() == trial.get("activating").asBoolean() ? 1 : 0;
      }
      assertThat(activating).isEqualTo(2);
      assertThat(d.get("detectionTrials").asInt()).isEqualTo(d.get("trials").size());
      assertThat(d.get("detectionAccuracy").asDouble()).isEqualTo((double) correct / d.get("trials").size());
      assertThat(api.get("/v1/features/" + id).json().get("detectionAccuracy").asDouble())
          .isEqualTo(d.get("detectionAccuracy").asDouble());

      // fuzzing: the held-out activating contexts marked at their activating tokens, as many wrongly marked
      JsonNode fuzz = d.get("fuzzing");
      int right = 0;
      int marked = 0;
      int[] confusion = new int[4]; // tp, tn, fp, fn
      for (JsonNode trial : fuzz.get("trials")) {
        String text = trial.get("text").asString();
        boolean answer = trial.get("answer").asBoolean();
        assertThat(answer).isEqualTo(everyMarkHasAnE(text));
        if (trial.get("correctlyMarked").asBoolean()) {
          assertThat(text).isEqualTo(marked(top.get(3 + marked)));
          marked++;
          confusion[answer ? 0 : 3]++;
        } else {
          assertThat(text).contains("⟦");
          confusion[answer ? 2 : 1]++;
        }
        right += answer == trial.get("correctlyMarked").asBoolean() ? 1 : 0;
      }
      assertThat(marked).isEqualTo(2);
      int n = d.get("trials").size(); // the same held-out texts as detection
      assertThat(fuzz.get("trials").size()).isEqualTo(n);
      assertThat(fuzz.get("failures").asInt()).isZero();
      assertThat(fuzz.get("answered").asInt()).isEqualTo(n);
      assertThat(d.get("fuzzingAccuracy").asDouble()).isEqualTo((double) right / n);
      assertThat(fuzz.get("accuracy").asDouble()).isEqualTo((double) right / n);
      assertThat(List.of(fuzz.get("truePositives").asInt(), fuzz.get("trueNegatives").asInt(),
          fuzz.get("falsePositives").asInt(), fuzz.get("falseNegatives").asInt()))
          .containsExactly(confusion[0], confusion[1], confusion[2], confusion[3]);
      assertThat(api.get("/v1/features/" + id).json().get("fuzzingAccuracy").asDouble()).isEqualTo((double) right / n);
    }
    String firstContext = api.get("/v1/features/" + features.get(0).get("id").asLong() + "/top-inputs").json()
        .get(0).get("token").asString();
    assertThat(prompts).anySatisfy(p -> assertThat(p).startsWith("You are explaining one feature")
        .contains("⟦" + firstContext + "⟧"));
    JsonNode found = api.get("/v1/factorizations/" + factorization + "/features/search?text="
        + URLEncoder.encode("LETTER E", StandardCharsets.UTF_8)).json();
    assertThat(found.get("items")).hasSize(6);
    assertThat(found.get("total").asLong()).isEqualTo(6);
    assertThat(api.get("/v1/factorizations/" + factorization + "/features/search?text=zzqx").json().get("items"))
        .isEmpty();
  }

  @Test
  void theNeuronpediaExportHoldsDashboardsVectorsAndExplanations() throws IOException {
    explain();
    var response = api.get("/v1/factorizations/" + factorization
        + "/export/neuronpedia?modelId=fortunes-byte-gpt2&setName=snmf-mlp");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/zip");
    assertThat(api.get("/v1/factorizations/" + factorization + "/export/neuronpedia?setName=a%20b").status())
        .isEqualTo(422);
    assertThat(api.get("/v1/factorizations/987654321/export/neuronpedia").status()).isEqualTo(404);
    byte[] zip; // the same archive as bytes
    try {
      zip = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          "http://127.0.0.1:" + port + "/v1/factorizations/" + factorization
              + "/export/neuronpedia?modelId=fortunes-byte-gpt2&setName=snmf-mlp"))
              .header("Authorization", "Bearer " + TestKeys.ADMIN).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    java.util.Map<String, byte[]> entries = new java.util.HashMap<>();
    try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    assertThat(entries).containsOnlyKeys("batch-0.json", "explanations.jsonl");
    JsonNode batch = JSON.readTree(entries.get("batch-0.json"));
    assertThat(batch.get("model_id").asString()).isEqualTo("fortunes-byte-gpt2");
    assertThat(batch.get("layer").asInt()).isEqualTo(1);
    assertThat(batch.get("sae_set").asString()).isEqualTo("snmf-mlp");
    assertThat(batch.get("features")).hasSize(6);
    JsonNode summaries = api.get("/v1/factorizations/" + factorization + "/features").json().get("items");
    for (int k = 0; k < 6; k++) {
      JsonNode f = batch.get("features").get(k);
      // every key Neuronpedia's converter reads
      for (String key : List.of("feature_index", "neuron_alignment_indices", "neuron_alignment_values",
          "neuron_alignment_l1", "correlated_neurons_indices", "correlated_neurons_pearson", "correlated_neurons_l1",
          "correlated_features_indices", "correlated_features_pearson", "correlated_features_l1", "neg_str",
          "neg_values", "pos_str", "pos_values", "frac_nonzero", "freq_hist_data_bar_heights",
          "freq_hist_data_bar_values", "logits_hist_data_bar_heights", "logits_hist_data_bar_values",
          "decoder_weights_dist", "activations", "vector")) {
        assertThat(f.has(key)).as("feature %d has %s", k, key).isTrue();
      }
      long id = summaries.get(k).get("id").asLong();
      assertThat(f.get("feature_index").asInt()).isEqualTo(summaries.get(k).get("index").asInt());
      JsonNode detail = api.get("/v1/features/" + id).json();
      assertThat(f.get("vector")).isEqualTo(detail.get("direction"));
      int strongest = 0;
      for (int i = 1; i < detail.get("direction").size(); i++) {
        if (Math.abs(detail.get("direction").get(i).asDouble())
            > Math.abs(detail.get("direction").get(strongest).asDouble())) {
          strongest = i;
        }
      }
      assertThat(f.get("neuron_alignment_indices").get(0).asInt()).isEqualTo(strongest);
      JsonNode vocab = api.get("/v1/features/" + id + "/vocab").json();
      assertThat(f.get("pos_str").get(0).asString()).isEqualTo(vocab.get("promoted").get(0).get("token").asString());
      JsonNode top = api.get("/v1/features/" + id + "/top-inputs").json();
      JsonNode first = f.get("activations").get(0);
      assertThat(first.get("tokens")).isEqualTo(top.get(0).get("contextTokens"));
      assertThat(first.get("values")).isEqualTo(top.get(0).get("contextActivations"));
      int q = first.get("qualifying_token_index").asInt();
      assertThat(first.get("tokens").get(q).asString()).isEqualTo(top.get(0).get("token").asString());
      assertThat(first.get("values").get(q).asDouble()).isEqualTo(top.get(0).get("activation").asDouble());
    }
    List<String> lines = new String(entries.get("explanations.jsonl"), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(6);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.get("description").asString()).isEqualTo(DESCRIPTION);
    assertThat(line.get("layer").asString()).isEqualTo("1-snmf-mlp");
    assertThat(line.get("explanationModelName").asString()).isEqualTo("fake-judge");
  }

  @Test
  void comparisonsCarryTheJudgesConceptFluencyAndHarmonicMean() {
    String concepts = "[{\"name\":\"german\",\"description\":\"text written in German\",\"sentences\":"
        + "[\"Wer rastet, der rostet.\",\"Aller Anfang ist schwer.\",\"Ohne Fleiß kein Preis.\",\"Lügen haben kurze Beine.\"],"
        + "\"neutral\":[\"Practice makes perfect.\",\"Meglio tardi che mai.\",\"Time is money.\",\"Chi la fa l'aspetti.\"]}]";
    var accepted = api.post("/v1/comparisons", "{\"modelId\":" + model + ",\"concepts\":" + concepts + ",\"methods\":"
        + "[{\"name\":\"dm\",\"diffMeans\":true,\"layer\":1}],\"steering\":{\"klTargets\":[0.1],\"signs\":[\"+\"],"
        + "\"generations\":2,\"newTokens\":4}}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonNode done = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(2));
    JsonNode row = api.get("/v1/comparisons/" + done.get("result").get("comparisonId").asLong()).json()
        .get("rows").get(0);
    JsonNode outcome = row.get("steering").get(0);
    assertThat(outcome.get("status").asString()).isEqualTo("REACHED");
    assertThat(outcome.get("judge").get("concept").asDouble()).isEqualTo(2.0);
    assertThat(outcome.get("judge").get("fluency").asDouble()).isEqualTo(1.0);
    assertThat(outcome.get("judge").get("instruction").asDouble()).isEqualTo(2.0);
    // AxBench's harmonic mean of concept 2, instruction 2, fluency 1
    assertThat(outcome.get("judge").get("harmonic").asDouble()).isCloseTo(1.5,
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(prompts).anySatisfy(p -> assertThat(p).startsWith("You are grading text").contains("text written in German"));
  }
}
