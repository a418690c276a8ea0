package io.snmfservice.comparisons;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.AddVector;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.vectors.SaeFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The acceptance run on the fortunes GPT-2: import the trained SAE, factorize layer-2 MLP activations of
 * sentences in the model's five languages, compare SNMF features vs SAE latents vs DiffMeans on "language X vs the
 * other four", and check stored cells against an independent recomputation (own forward capture, own cosine, own
 * pairwise AUROC, own softmax KL) — not against the service's own code paths.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComparisonAcceptanceTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Held-out documents for the core metrics (the SNMF encoder is the costly part). */
  private static final int CORE_DOCUMENTS = 8;
  private static final List<String> LANGUAGES = List.of("english", "german", "spanish", "italian", "portuguese");

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;

  ContractClient api;
  HookedTransformer reference;
  Map<String, List<String>> sentences = new LinkedHashMap<>();
  long model;
  long factorization;
  long factorizationK200;
  long sae;
  long heldOut;
  JsonNode comparison;
  List<JsonNode> seen;

  @BeforeAll
  void importFactorizeAndCompare() throws IOException {
    long start = System.nanoTime();
    api = new ContractClient(port);
    try (InputStream in = getClass().getResourceAsStream("/comparison/five-languages.json")) {
      JsonNode all = JSON.readTree(in);
      for (String language : LANGUAGES) {
        List<String> list = new ArrayList<>();
        all.get(language).forEach(s -> list.add(s.asString()));
        sentences.put(language, list);
      }
    }
    String suffix = Long.toString(System.nanoTime(), 36);
    model = api.post("/v1/models", "{\"name\":\"cmp-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
    files.put("cfg", Map.entry("cfg.json", SaeFixture.cfg().getBytes(StandardCharsets.UTF_8)));
    files.put("weights", Map.entry("sae_weights.safetensors", Files.readAllBytes(SaeFixture.WEIGHTS)));
    Http.Response upload = api.uploadParts("/v1/vector-sets", files,
        Map.of("modelId", Long.toString(model), "name", "sae-" + suffix, "kind", "sae"));
    assertThat(upload.status()).as(upload.body()).isEqualTo(201);
    sae = upload.json().get("id").asLong();

    // an unlabelled corpus for SNMF: every sentence of every language
    ArrayNode texts = JSON.createArrayNode();
    sentences.values().forEach(list -> list.forEach(texts::add));
    long dataset = api.post("/v1/datasets", JSON.createObjectNode().put("name", "langs-" + suffix).put("kind", "text")
        .set("texts", texts).toString()).json().get("id").asLong();
    factorization = factorize(dataset, 50);
    factorizationK200 = factorize(dataset, 200);
    // held-out texts for the core metrics: the first of the core-metrics fixture's texts
    JsonNode fixture = JSON.readTree(Files.readString(Path.of("../shared/fixtures/fortunes-sae-core-metrics.json")));
    ArrayNode heldOutTexts = JSON.createArrayNode();
    fixture.get("texts").forEach(t -> heldOutTexts.add(t.get("text").asString()));
    heldOut = api.post("/v1/datasets", JSON.createObjectNode().put("name", "held-out-" + suffix)
        .put("kind", "text").set("texts", heldOutTexts).toString()).json().get("id").asLong();

    var accepted = api.post("/v1/comparisons", request(conceptsJson(), "[{\"name\":\"snmf\",\"factorizationId\":"
        + factorization + "},{\"name\":\"snmf-k200\",\"factorizationId\":" + factorizationK200 + "},"
        + "{\"name\":\"sae\",\"vectorSetId\":" + sae + "},{\"name\":\"diffmeans\",\"diffMeans\":true,"
        + "\"layer\":2,\"hook\":\"mlp.hook_post\"}]", "{\"klTargets\":[0.25],\"signs\":[\"+\"],\"generations\":2,"
        + "\"newTokens\":8,\"seed\":7}").replaceFirst("}$", ",\"coreMetrics\":{\"datasetId\":" + heldOut
        + ",\"maxDocuments\":" + CORE_DOCUMENTS + ",\"contextLength\":128}}"));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    seen = Jobs.awaitFinished(api, accepted.json().get("id").asLong(), Duration.ofMinutes(8));
    JsonNode done = seen.get(seen.size() - 1);
    assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    comparison = api.get("/v1/comparisons/" + done.get("result").get("comparisonId").asLong()).json();
    reference = TransformerLoader.load(Path.of("../shared/models/fortunes-byte-gpt2"), TestDevice.get());
    System.out.printf("Comparison acceptance setup (import, factorize, compare): %.1f s%n",
        (System.nanoTime() - start) / 1e9);
  }

  private long factorize(long dataset, int k) {
    var factorize = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":2,\"k\":" + k + ",\"sparsity\":0.1,\"maxIterations\":60,\"contextLength\":64,\"seed\":3}");
    assertThat(factorize.status()).as(factorize.body()).isEqualTo(202);
    return Jobs.awaitSucceeded(api, factorize.json().get("id").asLong(), Duration.ofMinutes(3))
        .get("result").get("factorizationId").asLong();
  }

  @AfterAll
  void close() {
    if (reference != null) {
      reference.close();
    }
  }

  @Test
  void theTableHasACellPerMethodAndConceptWithDetectionAndSteering() {
    assertThat(comparison.get("rows")).hasSize(20);
    assertThat(comparison.get("summary")).hasSize(4);
    for (JsonNode row : comparison.get("rows")) {
      assertThat(row.get("auroc").asDouble()).isBetween(0.0, 1.0);
      assertThat(row.get("accuracy").asDouble()).isBetween(0.0, 1.0);
      assertThat(row.get("steering")).hasSize(1);
      JsonNode outcome = row.get("steering").get(0);
      if (outcome.get("status").asString().equals("REACHED")) {
        assertThat(Math.abs(outcome.get("kl").asDouble() - 0.25)).isLessThanOrEqualTo(0.0125 + 1e-12);
        assertThat(outcome.get("offline").get("outputCentric").isNumber()).isTrue();
      }
      switch (row.get("method").asString()) {
        case "sae" -> {
          assertThat(row.get("candidates").asInt()).isEqualTo(1024);
          assertThat(row.get("hook").asString()).isEqualTo("blocks.2.hook_resid_post");
        }
        case "snmf", "snmf-k200" -> assertThat(row.get("candidate").asString()).startsWith("feature-");
        default -> assertThat(row.get("candidate").asString()).isEqualTo("diffmeans:" + row.get("concept").asString());
      }
    }
    // language identity is easy for DiffMeans at layer 2: the held-out AUROC is high on average
    JsonNode diffMeans = summary("diffmeans");
    assertThat(diffMeans.get("meanAuroc").asDouble()).isGreaterThan(0.8);
    List<String> stages = seen.stream().filter(j -> j.hasNonNull("stage")).map(j -> j.get("stage").asString())
        .distinct().toList();
    assertThat(stages).as("stages seen while polling").containsAnyOf("activations", "detection", "steering");
  }

  @Test
  void storedAurocsMatchAnIndependentRecomputation() {
    double maxDiff = 0;
    for (String[] cell : List.of(new String[] {"sae", "german"}, new String[] {"snmf", "spanish"},
        new String[] {"diffmeans", "italian"}, new String[] {"sae", "portuguese"})) {
      JsonNode row = row(cell[0], cell[1]);
      String hook = row.get("hook").asString();
      float[] z = floats(row.get("vector"));
      double auroc = pairwiseAuroc(scores(z, hook, half(sentences.get(cell[1]), 1)),
          scores(z, hook, half(neutral(cell[1]), 1)));
      maxDiff = Math.max(maxDiff, Math.abs(auroc - row.get("auroc").asDouble()));
    }
    System.out.printf("AUROC recomputation: max |stored − recomputed| = %.2e%n", maxDiff);
    assertThat(maxDiff).isLessThan(1e-9);
  }

  @Test
  void theSaeCandidateIsTheLatentWithTheBestTrainingAuroc() {
    JsonNode row = row("sae", "german");
    List<float[][]> pos = activations("blocks.2.hook_resid_post", half(sentences.get("german"), 0));
    List<float[][]> neg = activations("blocks.2.hook_resid_post", half(neutral("german"), 0));
    double best = -1;
    int bestIndex = -1;
    for (int page = 0; page < 3; page++) {
      for (JsonNode member : api.get("/v1/vector-sets/" + sae + "/members?page=" + page + "&size=500").json()
          .get("items")) {
        double auroc = pairwiseAuroc(maxCos(floats(member.get("vector")), pos), maxCos(floats(member.get("vector")), neg));
        if (auroc > best) {
          best = auroc;
          bestIndex = member.get("index").asInt();
        }
      }
    }
    assertThat(row.get("trainAuroc").asDouble()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(row.get("candidateIndex").asInt()).isEqualTo(bestIndex);
  }

  @Test
  void storedKlMatchesAnIndependentSteeredForwardPass() {
    double maxRelDiff = 0;
    for (String[] cell : List.of(new String[] {"sae", "german"}, new String[] {"snmf", "english"},
        new String[] {"diffmeans", "portuguese"})) {
      JsonNode row = row(cell[0], cell[1]);
      JsonNode outcome = row.get("steering").get(0);
      HookPoint hook = HookPoint.parse(row.get("hook").asString());
      float[] unit = unit(floats(row.get("vector")));
      int[] prompt = bytesWithBos("I think that");
      float[] base = reference.forward(TokenBatch.single(prompt), HookSpec.logits(LogitsMode.LAST)).lastLogits(0);
      float[] steered = reference.forward(TokenBatch.single(prompt), HookSpec.logits(LogitsMode.LAST).withIntervention(
          new AddVector(hook.layer(), unit, (float) outcome.get("alpha").asDouble(), 0, hook.kind()))).lastLogits(0);
      double kl = kl(steered, base);
      maxRelDiff = Math.max(maxRelDiff, Math.abs(kl - outcome.get("kl").asDouble()) / outcome.get("kl").asDouble());
    }
    System.out.printf("KL recomputation: max relative |stored − recomputed| = %.2e%n", maxRelDiff);
    assertThat(maxRelDiff).isLessThan(1e-4);
  }

  @Test
  void theTableExportsAsCsvAndTheSnmfFeaturesBecomeAVectorSet() {
    Http.Response csv = api.get("/v1/comparisons/" + comparison.get("id").asLong() + "/export?format=csv");
    assertThat(csv.contentType()).startsWith("text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines).hasSize(21);
    assertThat(lines[0]).startsWith("method,concept,candidate,candidate_index,candidates,hook,train_auroc,auroc");
    JsonNode first = comparison.get("rows").get(0);
    String[] cells = lines[1].split(",");
    assertThat(cells[0]).isEqualTo(first.get("method").asString());
    assertThat(Double.parseDouble(cells[7])).isEqualTo(first.get("auroc").asDouble());
    for (int i = 1; i < lines.length; i++) {
      assertThat(lines[i].split(",", -1)[10]).as("the sign column of line %d", i).isIn("+", "-", "");
    }
    assertThat(api.get("/v1/comparisons/" + comparison.get("id").asLong() + "/export?format=json").json().get("rows"))
        .hasSize(20);
    assertThat(api.get("/v1/comparisons?modelId=" + model).json().get("total").asLong()).isEqualTo(1);

    Http.Response set = api.post("/v1/vector-sets", "{\"name\":\"snmf-" + factorization + "\",\"source\":"
        + "\"factorization\",\"factorizationId\":" + factorization + "}");
    assertThat(set.status()).as(set.body()).isEqualTo(201);
    assertThat(set.json().get("size").asInt()).isEqualTo(50);
    assertThat(set.json().get("hook").asString()).isEqualTo("blocks.2.mlp.hook_post");
    JsonNode member = api.get("/v1/vector-sets/" + set.json().get("id").asLong() + "/members/0").json();
    assertThat(member.get("featureId").isNumber()).isTrue();
  }

  @Test
  void everyMethodHasSparseProbesBudgetCurvesAndTheReconstructingOnesCoreMetrics() {
    for (JsonNode row : comparison.get("rows")) {
      String method = row.get("method").asString();
      List<Integer> ks = new ArrayList<>();
      row.get("probing").forEach(p -> ks.add(p.get("k").asInt()));
      int candidates = row.get("candidates").asInt();
      if (method.equals("diffmeans")) {
        assertThat(ks).containsExactly(1);
        assertThat(row.get("budgets").isNull()).isTrue();
      } else {
        assertThat(ks).containsExactly(1, 2, 5, candidates);
        List<Integer> budgets = new ArrayList<>();
        row.get("budgets").forEach(b -> budgets.add(b.get("budget").asInt()));
        assertThat(budgets).containsExactly(method.equals("sae") ? new Integer[] {16, 64, 256, 1024}
            : method.equals("snmf") ? new Integer[] {16, 50} : new Integer[] {16, 64, 200});
        // at the full budget the curve's detection is the cell's own choice
        JsonNode full = row.get("budgets").get(budgets.size() - 1);
        assertThat(full.get("draws").asInt()).isEqualTo(1);
        assertThat(full.get("auroc").get("mean").asDouble()).isCloseTo(row.get("auroc").asDouble(),
            org.assertj.core.data.Offset.offset(1e-6));
      }
      for (JsonNode p : row.get("probing")) {
        assertThat(p.get("testAccuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(p.get("converged").asBoolean()).as("probe %s/%s k=%s", method, row.get("concept"), p.get("k"))
            .isTrue();
      }
    }
    assertThat(summary("sae").get("meanProbingAccuracy").properties()).extracting(java.util.Map.Entry::getKey)
        .containsExactly("1", "2", "5", "all");
    JsonNode core = comparison.get("coreMetrics");
    assertThat(core.properties()).extracting(java.util.Map.Entry::getKey)
        .containsExactlyInAnyOrder("snmf", "snmf-k200", "sae");
    for (String snmf : List.of("snmf", "snmf-k200")) {
      assertThat(core.get(snmf).get("inSample").get("explainedVariance").asDouble()).isBetween(0.0, 1.0);
      assertThat(core.get(snmf).get("heldOut").get("latents").asInt())
          .isEqualTo(snmf.equals("snmf") ? 50 : 200);
      assertThat(core.get(snmf).get("heldOut").get("ceLossRecoveredVsZero").isNumber()).isTrue();
    }
    List<String> stages = seen.stream().filter(j -> j.hasNonNull("stage")).map(j -> j.get("stage").asString())
        .distinct().toList();
    System.out.println("Comparison stages seen: " + stages + "; summary: " + comparison.get("summary"));
  }

  @Test
  void theCoreMetricsStageGivesWhatAScoreJobGives() {
    Http.Response accepted = api.post("/v1/scores", "{\"vectorSetId\":" + sae + ",\"datasetId\":" + heldOut
        + ",\"maxDocuments\":" + CORE_DOCUMENTS + ",\"contextLength\":128}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    long scoreId = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(3)).get("result")
        .get("scoreId").asLong();
    JsonNode score = api.get("/v1/scores/" + scoreId).json();
    assertThat(comparison.get("coreMetrics").get("sae").get("heldOut")).isEqualTo(score.get("heldOut"));
  }

  @Test
  void rawActivationProbingOnAllDimensionsIsPlainLogisticRegression() {
    for (String hook : List.of("blocks.2.mlp.hook_post", "blocks.2.hook_resid_post")) {
      for (String language : List.of("german", "portuguese")) {
        JsonNode all = null;
        for (JsonNode p : comparison.get("reference").get(hook).get(language)) {
          all = p.get("all").asBoolean() ? p : all;
        }
        // the test's own forward passes, mean over tokens, Newton's method on every dimension
        double[][] trainX = pooled(hook, half(sentences.get(language), 0), half(neutral(language), 0));
        double[][] testX = pooled(hook, half(sentences.get(language), 1), half(neutral(language), 1));
        boolean[] trainY = labels(half(sentences.get(language), 0).size(), half(neutral(language), 0).size());
        boolean[] testY = labels(half(sentences.get(language), 1).size(), half(neutral(language), 1).size());
        double[] theta = io.snmfservice.evaluation.NewtonLogisticReference.fit(trainX, trainY, 1.0);
        assertThat(all.get("k").asInt()).isEqualTo(trainX[0].length);
        assertThat(all.get("trainAccuracy").asDouble()).as("%s %s train", hook, language)
            .isEqualTo(accuracy(theta, trainX, trainY));
        assertThat(all.get("testAccuracy").asDouble()).as("%s %s test", hook, language)
            .isEqualTo(accuracy(theta, testX, testY));
      }
    }
  }

  private double[][] pooled(String hook, List<String> positive, List<String> negative) {
    List<String> texts = new ArrayList<>(positive);
    texts.addAll(negative);
    List<float[][]> acts = activations(hook, texts);
    double[][] out = new double[acts.size()][];
    for (int s = 0; s < out.length; s++) {
      double[] mean = new double[acts.get(s)[0].length];
      for (float[] a : acts.get(s)) {
        for (int i = 0; i < mean.length; i++) {
          mean[i] += a[i];
        }
      }
      for (int i = 0; i < mean.length; i++) {
        mean[i] /= acts.get(s).length;
      }
      out[s] = mean;
    }
    return out;
  }

  private static boolean[] labels(int positives, int negatives) {
    boolean[] y = new boolean[positives + negatives];
    java.util.Arrays.fill(y, 0, positives, true);
    return y;
  }

  private static double accuracy(double[] theta, double[][] x, boolean[] y) {
    int d = x[0].length;
    int correct = 0;
    for (int i = 0; i < x.length; i++) {
      double z = theta[d];
      for (int j = 0; j < d; j++) {
        z += theta[j] * x[i][j];
      }
      correct += (z > 0) == y[i] ? 1 : 0;
    }
    return (double) correct / x.length;
  }

  @Test
  void theComparisonPageShowsTableCurvesCoreMetricsAndSteeredTextInTheBrowser() {
    org.junit.jupiter.api.Assumptions.assumeTrue(io.snmfservice.ui.Browser.missing() == null,
        io.snmfservice.ui.Browser.missing());
    try (io.snmfservice.ui.Browser browser = new io.snmfservice.ui.Browser(port)) {
      browser.open("/ui/login");
      browser.driver.findElement(org.openqa.selenium.By.cssSelector("#key"))
          .sendKeys(io.snmfservice.support.TestKeys.ADMIN);
      browser.driver.findElement(org.openqa.selenium.By.cssSelector("form.form button[type=submit]")).click();
      new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, Duration.ofSeconds(10))
          .until(d -> !d.getCurrentUrl().endsWith("/ui/login"));
      browser.open("/ui/comparisons");
      browser.driver.findElement(org.openqa.selenium.By.linkText("Comparison " + comparison.get("id").asLong()
          + ": model " + model)).click();
      var driver = browser.driver;
      var by = (java.util.function.Function<String, List<org.openqa.selenium.WebElement>>) css -> driver
          .findElements(org.openqa.selenium.By.cssSelector(css));
      assertThat(by.apply("#summary tbody tr")).hasSize(4);
      assertThat(by.apply("#summary thead th")).extracting(org.openqa.selenium.WebElement::getText)
          .contains("probe k=1", "probe k=2", "probe k=5", "probe k=all");
      assertThat(by.apply("table.concept")).hasSize(5);
      // the SAE's mean probing accuracy at k=1 is printed as the summary says
      String saeRow = by.apply("#summary tbody tr").stream().map(org.openqa.selenium.WebElement::getText)
          .filter(t -> t.startsWith("sae ")).findFirst().orElseThrow();
      assertThat(saeRow).contains(String.format(java.util.Locale.ROOT, "%.3f",
          summary("sae").get("meanProbingAccuracy").get("1").asDouble()));
      assertThat(by.apply("table.concept td").stream().map(org.openqa.selenium.WebElement::getText)
          .filter(t -> t.matches("0\\.\\d{3}|1\\.000")).count()).isGreaterThan(100);
      // two budget curves per concept, drawn by uPlot
      new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(10))
          .until(d -> by.apply(".chart canvas").size() >= 10);
      assertThat(by.apply("#core-metrics tbody tr")).hasSize(5); // two SNMF methods × 2 splits + the SAE
      assertThat(by.apply("#reference tbody tr")).hasSize(10); // two hooks × five concepts
      // the chosen SNMF feature links to its card; steered text is there to read
      assertThat(by.apply("table.concept a[href^='/ui/features/']")).isNotEmpty();
      by.apply("details summary").get(0).click();
      assertThat(by.apply("details .steered").get(0).getText()).startsWith("I think that");
      browser.screenshot("comparison");
      browser.assertNoConsoleErrors("comparison page");
    }
  }

  @Test
  void badComparisonsAreRejectedWithoutAJob() {
    long jobs = jdbc.sql("SELECT count(*) FROM job").query(Long.class).single();
    String concepts = conceptsJson();
    rejects(422, "exactly one of", api.post("/v1/comparisons", request(concepts,
        "[{\"name\":\"x\",\"factorizationId\":" + factorization + ",\"vectorSetId\":" + sae + "}]", null)));
    rejects(404, "vector set 987654321", api.post("/v1/comparisons", request(concepts,
        "[{\"name\":\"x\",\"vectorSetId\":987654321}]", null)));
    rejects(422, "hook must be one of", api.post("/v1/comparisons", request(concepts,
        "[{\"name\":\"x\",\"diffMeans\":true,\"layer\":2,\"hook\":\"attn.hook_z\"}]", null)));
    rejects(422, "out of range", api.post("/v1/comparisons", request(concepts,
        "[{\"name\":\"x\",\"diffMeans\":true,\"layer\":9}]", null)));
    rejects(422, "method names must be unique", api.post("/v1/comparisons", request(concepts,
        "[{\"name\":\"x\",\"vectorSetId\":" + sae + "},{\"name\":\"x\",\"vectorSetId\":" + sae + "}]", null)));
    rejects(422, "klTargets", api.post("/v1/comparisons", request(concepts,
        "[{\"name\":\"x\",\"vectorSetId\":" + sae + "}]", "{\"klTargets\":[-1]}")));
    rejects(422, "sentences", api.post("/v1/comparisons", request("[{\"name\":\"a\",\"sentences\":[\"x\"],"
        + "\"neutral\":[\"y\",\"z\"]}]", "[{\"name\":\"x\",\"vectorSetId\":" + sae + "}]", null)));
    rejects(422, "snmf.judge.base-url", api.post("/v1/factorizations/" + factorization + "/explain", "{}"));
    assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single()).isEqualTo(jobs);
  }

  // ---- independent recomputation (plain loops over the test's own forward passes) ----

  private double[] scores(float[] z, String hook, List<String> texts) {
    return maxCos(z, activations(hook, texts));
  }

  private List<float[][]> activations(String hook, List<String> texts) {
    List<float[][]> out = new ArrayList<>();
    for (String text : texts) {
      int[] tokens = bytesWithBos(text);
      ForwardResult r = reference.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.NONE).withCapture(hook));
      float[][] rows = new float[tokens.length - 1][];
      for (int t = 1; t < tokens.length; t++) {
        rows[t - 1] = r.capture(hook, 0, t);
      }
      out.add(rows);
    }
    return out;
  }

  private static double[] maxCos(float[] z, List<float[][]> sentences) {
    double[] out = new double[sentences.size()];
    for (int s = 0; s < out.length; s++) {
      double best = Double.NEGATIVE_INFINITY;
      for (float[] a : sentences.get(s)) {
        double dot = 0;
        double za = 0;
        double aa = 0;
        for (int i = 0; i < a.length; i++) {
          dot += (double) z[i] * a[i];
          za += (double) z[i] * z[i];
          aa += (double) a[i] * a[i];
        }
        best = Math.max(best, aa == 0 ? 0 : dot / Math.sqrt(za * aa));
      }
      out[s] = best;
    }
    return out;
  }

  /** P(score of a positive > score of a negative) + ½ P(tie), by counting all pairs. */
  private static double pairwiseAuroc(double[] pos, double[] neg) {
    double wins = 0;
    for (double p : pos) {
      for (double n : neg) {
        wins += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    return wins / ((double) pos.length * neg.length);
  }

  /** KL(P ‖ Q) of softmax(p), softmax(q), in double. */
  private static double kl(float[] p, float[] q) {
    double[] lp = logSoftmax(p);
    double[] lq = logSoftmax(q);
    double sum = 0;
    for (int i = 0; i < lp.length; i++) {
      sum += Math.exp(lp[i]) * (lp[i] - lq[i]);
    }
    return sum;
  }

  private static double[] logSoftmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - log;
    }
    return out;
  }

  private static int[] bytesWithBos(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[bytes.length + 1];
    out[0] = 256;
    for (int i = 0; i < bytes.length; i++) {
      out[i + 1] = bytes[i] & 0xff;
    }
    return out;
  }

  private static float[] unit(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(sq));
    }
    return out;
  }

  // ---- helpers ----

  private String conceptsJson() {
    ArrayNode concepts = JSON.createArrayNode();
    for (String language : LANGUAGES) {
      ObjectNode c = concepts.addObject().put("name", language).put("description", "text written in " + language);
      sentences.get(language).forEach(c.putArray("sentences")::add);
      neutral(language).forEach(c.putArray("neutral")::add);
    }
    return concepts.toString();
  }

  private String request(String concepts, String methods, String steering) {
    return "{\"modelId\":" + model + ",\"concepts\":" + concepts + ",\"methods\":" + methods
        + (steering == null ? "" : ",\"steering\":" + steering) + "}";
  }

  /** The other four languages, interleaved so that both halves hold each of them. */
  private List<String> neutral(String language) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      for (String other : LANGUAGES) {
        if (!other.equals(language)) {
          out.add(sentences.get(other).get(i));
        }
      }
    }
    return out;
  }

  private static List<String> half(List<String> all, int parity) {
    List<String> out = new ArrayList<>();
    for (int i = parity; i < all.size(); i += 2) {
      out.add(all.get(i));
    }
    return out;
  }

  private JsonNode row(String method, String concept) {
    for (JsonNode row : comparison.get("rows")) {
      if (row.get("method").asString().equals(method) && row.get("concept").asString().equals(concept)) {
        return row;
      }
    }
    throw new AssertionError("no cell " + method + "/" + concept);
  }

  private JsonNode summary(String method) {
    for (JsonNode s : comparison.get("summary")) {
      if (s.get("method").asString().equals(method)) {
        return s;
      }
    }
    throw new AssertionError("no summary for " + method);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static void rejects(int status, String detail, Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().get("detail").asString()).contains(detail);
  }
}
