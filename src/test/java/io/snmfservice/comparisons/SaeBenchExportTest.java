package io.snmfservice.comparisons;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.vectors.SaeFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/comparisons/{id}/export?format=saebench} on a real comparison (the fortunes GPT-2: an SNMF
 * factorization, the trained SAE and DiffMeans on two languages; probing and core metrics, no steering): every eval
 * checked field by field against what SAEBench's output schemas state, and every number against the comparison.
 *
 * <p>The schema facts below are written from SAEBench (commit 8042bb3828c6340da8d12062324e92b2077c571c):
 * {@code sae_bench/evals/base_eval_output.py}, {@code sae_bench/evals/core/eval_output_schema_core.json} and
 * {@code sae_bench/evals/sparse_probing/eval_output_schema_sparse_probing.json}.
 */
@SlowTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaeBenchExportTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> CONCEPTS = List.of("german", "spanish");

  // ---- from the upstream schemas (paths above) ----

  /** Top level "required" of both schemas. */
  private static final List<String> REQUIRED = List.of("eval_config", "eval_id", "datetime_epoch_millis",
      "eval_result_metrics", "sae_bench_commit_hash", "sae_lens_id", "sae_lens_release_id", "sae_lens_version",
      "sae_cfg_dict");
  /** Top level property types: "string", "integer", "object", "array"; "?" suffix: also null; "any". */
  private static final Map<String, String> TOP_TYPES = Map.ofEntries(Map.entry("eval_type_id", "string"),
      Map.entry("eval_config", "object"), Map.entry("eval_id", "string"),
      Map.entry("datetime_epoch_millis", "integer"), Map.entry("eval_result_metrics", "object"),
      Map.entry("eval_result_details", "array"), Map.entry("sae_bench_commit_hash", "string"),
      Map.entry("sae_lens_id", "string?"), Map.entry("sae_lens_release_id", "string?"),
      Map.entry("sae_lens_version", "string?"), Map.entry("sae_cfg_dict", "object?"),
      Map.entry("eval_result_unstructured", "any"));
  /** $defs/CoreEvalConfig properties (none required). */
  private static final Map<String, String> CORE_CONFIG = Map.ofEntries(Map.entry("model_name", "string"),
      Map.entry("llm_dtype", "string"), Map.entry("batch_size_prompts", "integer"),
      Map.entry("n_eval_reconstruction_batches", "integer"), Map.entry("n_eval_sparsity_variance_batches", "integer"),
      Map.entry("dataset", "string"), Map.entry("context_size", "integer"), Map.entry("compute_kl", "boolean"),
      Map.entry("compute_ce_loss", "boolean"), Map.entry("compute_l2_norms", "boolean"),
      Map.entry("compute_sparsity_metrics", "boolean"), Map.entry("compute_variance_metrics", "boolean"),
      Map.entry("compute_featurewise_density_statistics", "boolean"),
      Map.entry("compute_featurewise_weight_based_metrics", "boolean"),
      Map.entry("exclude_special_tokens_from_reconstruction", "boolean"), Map.entry("verbose", "boolean"));
  /** $defs/CoreMetricCategories: every category and every field of each is required, none nullable. */
  private static final Map<String, Map<String, String>> CORE_METRICS = new LinkedHashMap<>();

  static {
    CORE_METRICS.put("model_behavior_preservation", Map.of("kl_div_score", "number", "kl_div_with_ablation", "number",
        "kl_div_with_sae", "number"));
    CORE_METRICS.put("model_performance_preservation", Map.of("ce_loss_score", "number", "ce_loss_with_ablation",
        "number", "ce_loss_with_sae", "number", "ce_loss_without_sae", "number"));
    CORE_METRICS.put("reconstruction_quality", Map.of("explained_variance", "number", "explained_variance_legacy",
        "number", "mse", "number", "cossim", "number"));
    CORE_METRICS.put("shrinkage", Map.of("l2_norm_in", "number", "l2_norm_out", "number", "l2_ratio", "number",
        "relative_reconstruction_bias", "number"));
    CORE_METRICS.put("sparsity", Map.of("l0", "number", "l1", "number"));
    CORE_METRICS.put("token_stats", Map.of("total_tokens_eval_reconstruction", "integer",
        "total_tokens_eval_sparsity_variance", "integer"));
    CORE_METRICS.put("misc_metrics", Map.of("freq_over_1_percent", "number", "freq_over_10_percent", "number",
        "normalized_freq_over_1_percent", "number", "normalized_freq_over_10_percent", "number",
        "average_max_encoder_cosine_sim", "number", "average_max_decoder_cosine_sim", "number", "frac_alive",
        "number"));
  }

  /** $defs/SparseProbingEvalConfig properties (none required). */
  private static final Map<String, String> PROBING_CONFIG = Map.ofEntries(Map.entry("random_seed", "integer"),
      Map.entry("dataset_names", "array:string"), Map.entry("probe_train_set_size", "integer"),
      Map.entry("probe_test_set_size", "integer"), Map.entry("context_length", "integer"),
      Map.entry("sae_batch_size", "integer"), Map.entry("llm_batch_size", "integer?"),
      Map.entry("llm_dtype", "string"), Map.entry("model_name", "string"), Map.entry("k_values", "array:integer"),
      Map.entry("lower_vram_usage", "boolean"));
  private static final List<Integer> TOP_KS = List.of(1, 2, 5, 10, 20, 50, 100);

  /**
   * What the service leaves null (docs/metrics.md, "SAEBench export"): SNMF encodes by optimization, so it has no
   * encoder weights whose cosines could be compared; an SAE has a value for every field.
   */
  private static final Map<String, Set<String>> CORE_UNAVAILABLE = Map.of(
      "snmf", Set.of("eval_result_metrics.misc_metrics.average_max_encoder_cosine_sim"), "sae", Set.of());

  /** SAEBench's core fields that are our held-out metrics copied as they are: SAEBench path → our field. */
  private static final Map<String, String> COPIED = Map.ofEntries(
      Map.entry("model_behavior_preservation.kl_div_score", "klScore"),
      Map.entry("model_behavior_preservation.kl_div_with_ablation", "klZero"),
      Map.entry("model_behavior_preservation.kl_div_with_sae", "klSpliced"),
      Map.entry("model_performance_preservation.ce_loss_score", "ceLossRecoveredVsZero"),
      Map.entry("model_performance_preservation.ce_loss_with_ablation", "ceZero"),
      Map.entry("model_performance_preservation.ce_loss_with_sae", "ceSpliced"),
      Map.entry("model_performance_preservation.ce_loss_without_sae", "ceClean"),
      Map.entry("reconstruction_quality.explained_variance", "explainedVariance"),
      Map.entry("reconstruction_quality.mse", "mse"),
      Map.entry("sparsity.l0", "l0"),
      Map.entry("token_stats.total_tokens_eval_reconstruction", "tokens"),
      Map.entry("token_stats.total_tokens_eval_sparsity_variance", "activations"),
      Map.entry("reconstruction_quality.explained_variance_legacy", "explainedVarianceLegacy"),
      Map.entry("reconstruction_quality.cossim", "cossim"),
      Map.entry("shrinkage.l2_norm_in", "l2NormIn"),
      Map.entry("shrinkage.l2_norm_out", "l2NormOut"),
      Map.entry("shrinkage.l2_ratio", "l2Ratio"),
      Map.entry("shrinkage.relative_reconstruction_bias", "relativeReconstructionBias"),
      Map.entry("sparsity.l1", "l1"),
      Map.entry("misc_metrics.normalized_freq_over_1_percent", "normalizedFrequencyOverOnePercent"),
      Map.entry("misc_metrics.normalized_freq_over_10_percent", "normalizedFrequencyOverTenPercent"));

  @Value("${local.server.port}")
  int port;

  ContractClient api;
  JsonNode comparison;
  long comparisonId;
  Map<String, JsonNode> exports = new LinkedHashMap<>();

  @BeforeAll
  void compare() throws IOException {
    long start = System.nanoTime();
    api = new ContractClient(port);
    Map<String, List<String>> sentences = new LinkedHashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/comparison/five-languages.json")) {
      JsonNode all = JSON.readTree(in);
      for (String language : List.of("english", "german", "spanish", "italian", "portuguese")) {
        List<String> list = new ArrayList<>();
        all.get(language).forEach(s -> list.add(s.asString()));
        sentences.put(language, list);
      }
    }
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = api.post("/v1/models", "{\"name\":\"sb-" + suffix
        + "\",\"source\":\"local\",\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
    files.put("cfg", Map.entry("cfg.json", SaeFixture.cfg().getBytes(StandardCharsets.UTF_8)));
    files.put("weights", Map.entry("sae_weights.safetensors", Files.readAllBytes(SaeFixture.WEIGHTS)));
    Http.Response upload = api.uploadParts("/v1/vector-sets", files,
        Map.of("modelId", Long.toString(model), "name", "sae-" + suffix, "kind", "sae"));
    assertThat(upload.status()).as(upload.body()).isEqualTo(201);
    long sae = upload.json().get("id").asLong();
    ArrayNode texts = JSON.createArrayNode();
    sentences.values().forEach(list -> list.forEach(texts::add));
    long dataset = api.post("/v1/datasets", JSON.createObjectNode().put("name", "sb-" + suffix).put("kind", "text")
        .set("texts", texts).toString()).json().get("id").asLong();
    var factorize = api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
        + ",\"layer\":2,\"k\":12,\"maxIterations\":30,\"contextLength\":64,\"seed\":3}");
    long factorization = Jobs.awaitSucceeded(api, factorize.json().get("id").asLong(), Duration.ofMinutes(3))
        .get("result").get("factorizationId").asLong();
    JsonNode fixture = JSON.readTree(Files.readString(Path.of("../shared/fixtures/fortunes-sae-core-metrics.json")));
    ArrayNode heldOutTexts = JSON.createArrayNode();
    fixture.get("texts").forEach(t -> heldOutTexts.add(t.get("text").asString()));
    long heldOut = api.post("/v1/datasets", JSON.createObjectNode().put("name", "sb-held-out-" + suffix)
        .put("kind", "text").set("texts", heldOutTexts).toString()).json().get("id").asLong();

    ObjectNode request = JSON.createObjectNode().put("modelId", model);
    ArrayNode concepts = request.putArray("concepts");
    for (String language : CONCEPTS) {
      ObjectNode c = concepts.addObject().put("name", language);
      sentences.get(language).forEach(c.putArray("sentences")::add);
      ArrayNode neutral = c.putArray("neutral");
      for (int i = 0; i < 10; i++) {
        for (String other : sentences.keySet()) {
          if (!CONCEPTS.contains(other)) {
            neutral.add(sentences.get(other).get(i));
          }
        }
      }
    }
    request.set("methods", JSON.readTree("[{\"name\":\"snmf\",\"factorizationId\":" + factorization + "},"
        + "{\"name\":\"sae\",\"vectorSetId\":" + sae + "},{\"name\":\"diffmeans\",\"diffMeans\":true,\"layer\":2}]"));
    request.set("steering", JSON.readTree("{\"enabled\":false}"));
    request.set("coreMetrics", JSON.readTree("{\"datasetId\":" + heldOut + ",\"maxDocuments\":4,"
        + "\"contextLength\":64}"));
    var accepted = api.post("/v1/comparisons", request.toString());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    comparisonId = Jobs.awaitSucceeded(api, accepted.json().get("id").asLong(), Duration.ofMinutes(6))
        .get("result").get("comparisonId").asLong();
    comparison = api.get("/v1/comparisons/" + comparisonId).json();
    for (String method : List.of("snmf", "sae", "diffmeans")) {
      Http.Response r = api.get("/v1/comparisons/" + comparisonId + "/export?format=saebench&method=" + method);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.contentType()).startsWith("application/json");
      exports.put(method, r.json());
    }
    System.out.printf("SAEBench export setup (import, factorize, compare): %.1f s%n", (System.nanoTime() - start) / 1e9);
    exports.forEach((method, x) -> x.forEach(eval -> System.out.println("SAEBench export " + method + " "
        + eval.get("eval_type_id").asString() + ": " + eval.get("eval_result_metrics"))));
  }

  @Test
  void eachMethodHasTheEvalsItsComparisonCovers() {
    assertThat(names(exports.get("snmf"))).containsExactly("core", "sparse_probing");
    assertThat(names(exports.get("sae"))).containsExactly("core", "sparse_probing");
    // DiffMeans cannot reconstruct: no core metrics, so no core eval
    assertThat(names(exports.get("diffmeans"))).containsExactly("sparse_probing");
    exports.forEach((method, export) -> export.properties().forEach(e -> {
      assertThat(e.getValue().get("eval_type_id").asString()).isEqualTo(e.getKey());
      assertThat(e.getValue().get("eval_result_unstructured").get("method").asString()).isEqualTo(method);
    }));
    // a stable id per comparison, method and eval; all different
    Set<String> ids = new HashSet<>();
    exports.values().forEach(x -> x.forEach(eval -> ids.add(eval.get("eval_id").asString())));
    assertThat(ids).hasSize(5);
    assertThat(api.get("/v1/comparisons/" + comparisonId + "/export?format=saebench&method=sae").json())
        .isEqualTo(exports.get("sae"));
  }

  @Test
  void everyEvalHasWhatTheUpstreamSchemaRequiresWithItsTypes() {
    for (Map.Entry<String, JsonNode> export : exports.entrySet()) {
      for (JsonNode eval : export.getValue()) {
        for (String field : REQUIRED) {
          assertThat(eval.has(field)).as(field).isTrue();
        }
        assertThat(TOP_TYPES.keySet()).containsAll(names(eval));
        TOP_TYPES.forEach((field, type) -> assertType(eval.get(field), type, field));
        long millis = eval.get("datetime_epoch_millis").asLong();
        assertThat(millis).isBetween(0L, 9999999999999L); // base_eval_output.py's validator
        assertThat(java.util.UUID.fromString(eval.get("eval_id").asString())).isNotNull();
        Set<String> unavailable = new HashSet<>();
        eval.get("eval_result_unstructured").get("unavailable").forEach(u -> unavailable.add(u.asString()));
        JsonNode metrics = eval.get("eval_result_metrics");
        if (eval.get("eval_type_id").asString().equals("core")) {
          checkConfig(eval.get("eval_config"), CORE_CONFIG);
          assertThat(names(metrics)).containsExactlyElementsOf(CORE_METRICS.keySet());
          CORE_METRICS.forEach((category, fields) -> {
            assertThat(names(metrics.get(category))).containsExactlyInAnyOrderElementsOf(fields.keySet());
            fields.forEach((field, type) -> {
              JsonNode v = metrics.get(category).get(field);
              String path = "eval_result_metrics." + category + "." + field;
              // required and not nullable upstream: a null is only allowed where the service says it has no value
              if (v.isNull()) {
                assertThat(unavailable).as(path).contains(path);
              } else {
                assertType(v, type, path);
                assertThat(unavailable).as(path).doesNotContain(path);
              }
            });
          });
          assertThat(unavailable).isEqualTo(CORE_UNAVAILABLE.get(export.getKey()));
          // CoreFeatureMetric needs every per-feature field; none is sent rather than half of them
          assertThat(eval.get("eval_result_details")).isEmpty();
        } else {
          checkConfig(eval.get("eval_config"), PROBING_CONFIG);
          assertThat(names(metrics)).containsExactly("llm", "sae");
          assertType(metrics.get("llm").get("llm_test_accuracy"), "number", "llm_test_accuracy"); // required
          checkAccuracies(metrics.get("llm"), "llm", false);
          checkAccuracies(metrics.get("sae"), "sae", false);
          assertThat(eval.get("eval_result_details")).hasSize(CONCEPTS.size());
          for (JsonNode detail : eval.get("eval_result_details")) {
            assertType(detail.get("dataset_name"), "string", "dataset_name"); // required
            assertType(detail.get("llm_test_accuracy"), "number", "llm_test_accuracy"); // required
            checkAccuracies(detail, "llm", true);
          }
          assertThat(unavailable).isEmpty();
        }
      }
    }
  }

  @Test
  void coreNumbersAreTheComparisonsHeldOutCoreMetrics() {
    for (String method : List.of("snmf", "sae")) {
      JsonNode ours = comparison.get("coreMetrics").get(method).get("heldOut");
      JsonNode core = exports.get(method).get("core");
      JsonNode m = core.get("eval_result_metrics");
      COPIED.forEach((path, field) -> {
        String[] at = path.split("\\.");
        assertThat(m.get(at[0]).get(at[1])).as(method + " " + path).isEqualTo(ours.get(field));
      });
      double latents = ours.get("latents").asDouble();
      assertThat(m.get("misc_metrics").get("frac_alive").asDouble())
          .isEqualTo((latents - ours.get("deadLatents").asDouble()) / latents);
      assertThat(m.get("misc_metrics").get("freq_over_1_percent").asDouble())
          .isEqualTo(ours.get("latentsOverOnePercent").asDouble() / latents);
      assertThat(m.get("misc_metrics").get("freq_over_10_percent").asDouble())
          .isEqualTo(ours.get("latentsOverTenPercent").asDouble() / latents);
      assertThat(m.get("misc_metrics").get("average_max_decoder_cosine_sim"))
          .isEqualTo(comparison.get("coreMetrics").get(method).get("weights").get("averageMaxDecoderCosine"));
      assertThat(core.get("eval_config").get("context_size").asInt()).isEqualTo(64);
      assertThat(core.get("eval_result_unstructured").get("coreMetrics"))
          .isEqualTo(comparison.get("coreMetrics").get(method));
    }
    assertThat(exports.get("sae").get("core").get("sae_cfg_dict").get("d_sae").asInt()).isEqualTo(1024);
    JsonNode snmf = exports.get("snmf").get("core").get("sae_cfg_dict");
    assertThat(snmf.get("architecture").asString()).isEqualTo("snmf");
    assertThat(snmf.get("d_sae").asInt()).isEqualTo(12);
    assertThat(snmf.get("d_in").asInt()).isEqualTo(512);
    assertThat(snmf.get("hook_name").asString()).isEqualTo("blocks.2.mlp.hook_post");
  }

  @Test
  void sparseProbingNumbersAreTheComparisonsProbesAndReference() {
    for (String method : List.of("snmf", "sae", "diffmeans")) {
      JsonNode eval = exports.get(method).get("sparse_probing");
      String hook = comparison.get("methods").valueStream().filter(m -> m.get("name").asString().equals(method))
          .findFirst().orElseThrow().get("hook").asString();
      assertThat(eval.get("eval_config").get("k_values")).isEqualTo(comparison.get("probing").get("ks"));
      Map<String, double[]> sums = new LinkedHashMap<>();
      for (JsonNode detail : eval.get("eval_result_details")) {
        String concept = detail.get("dataset_name").asString();
        JsonNode row = comparison.get("rows").valueStream().filter(r -> r.get("method").asString().equals(method)
            && r.get("concept").asString().equals(concept)).findFirst().orElseThrow();
        expectProbes(detail, "sae", row.get("probing"), sums);
        expectProbes(detail, "llm", comparison.get("reference").get(hook).get(concept), sums);
      }
      assertThat(eval.get("eval_result_details")).extracting(d -> d.get("dataset_name").asString())
          .containsExactlyElementsOf(CONCEPTS);
      // the headline numbers are the means over the concepts (SAEBench's mean over datasets)
      for (String group : List.of("llm", "sae")) {
        eval.get("eval_result_metrics").get(group).properties().forEach(e -> {
          double[] s = sums.get(e.getKey());
          if (s == null || s[1] < CONCEPTS.size()) {
            assertThat(e.getValue().isNull()).as(method + " " + e.getKey()).isTrue();
          } else {
            assertThat(e.getValue().asDouble()).as(method + " " + e.getKey()).isEqualTo(s[0] / s[1]);
          }
        });
      }
      assertThat(eval.get("eval_result_metrics").get("llm").get("llm_top_1_test_accuracy").isNumber()).isTrue();
    }
    // DiffMeans has one direction: its probe on everything is its top-1 probe
    JsonNode diffMeans = exports.get("diffmeans").get("sparse_probing").get("eval_result_metrics").get("sae");
    assertThat(diffMeans.get("sae_top_1_test_accuracy")).isEqualTo(diffMeans.get("sae_test_accuracy"));
    assertThat(diffMeans.get("sae_top_2_test_accuracy").isNull()).isTrue();
  }

  @Test
  void aMissingOrUnknownMethodOrFormatIsRejectedNamingTheChoices() {
    Http.Response missing = api.get("/v1/comparisons/" + comparisonId + "/export?format=saebench");
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().get("detail").asString()).contains("method is required").contains("snmf, sae, diffmeans");
    Http.Response unknown = api.get("/v1/comparisons/" + comparisonId + "/export?format=saebench&method=nope");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.json().get("detail").asString()).contains("'nope'").contains("snmf, sae, diffmeans");
    Http.Response format = api.get("/v1/comparisons/" + comparisonId + "/export?format=xml&method=sae");
    assertThat(format.status()).isEqualTo(422);
    assertThat(format.json().get("detail").asString()).contains("saebench");
    assertThat(api.get("/v1/comparisons/987654321/export?format=saebench&method=sae").status()).isEqualTo(404);
  }

  /** Each of the detail's accuracies is the comparison probe with that k; sums them per field for the means. */
  private static void expectProbes(JsonNode detail, String group, JsonNode probes, Map<String, double[]> sums) {
    Map<String, Double> expected = new LinkedHashMap<>();
    for (JsonNode p : probes) {
      if (p.get("all").asBoolean()) {
        expected.put(group + "_test_accuracy", p.get("testAccuracy").asDouble());
      }
      if (TOP_KS.contains(p.get("k").asInt())) {
        expected.put(group + "_top_" + p.get("k").asInt() + "_test_accuracy", p.get("testAccuracy").asDouble());
      }
    }
    List<String> fields = new ArrayList<>(List.of(group + "_test_accuracy"));
    TOP_KS.forEach(k -> fields.add(group + "_top_" + k + "_test_accuracy"));
    for (String field : fields) {
      Double want = expected.get(field);
      if (want == null) {
        assertThat(detail.get(field).isNull()).as(field).isTrue();
      } else {
        assertThat(detail.get(field).asDouble()).as(field).isEqualTo(want);
        double[] s = sums.computeIfAbsent(field, f -> new double[2]);
        s[0] += want;
        s[1]++;
      }
    }
  }

  /** Every accuracy field of a group: number or null (anyOf number/null in the schema), nothing else. */
  private static void checkAccuracies(JsonNode node, String group, boolean alsoOtherGroup) {
    List<String> fields = new ArrayList<>();
    for (String g : alsoOtherGroup ? List.of("llm", "sae") : List.of(group)) {
      fields.add(g + "_test_accuracy");
      TOP_KS.forEach(k -> fields.add(g + "_top_" + k + "_test_accuracy"));
    }
    for (String field : fields) {
      assertType(node.get(field), "number?", field);
    }
    List<String> known = new ArrayList<>(fields);
    known.add("dataset_name");
    assertThat(known).containsAll(names(node));
  }

  private static void checkConfig(JsonNode config, Map<String, String> schema) {
    assertThat(schema.keySet()).containsAll(names(config));
    config.properties().forEach(e -> assertType(e.getValue(), schema.get(e.getKey()), e.getKey()));
  }

  private static void assertType(JsonNode v, String type, String what) {
    assertThat(v).as(what + " present").isNotNull();
    if (type.equals("any") || (type.endsWith("?") && v.isNull())) {
      return;
    }
    String t = type.replace("?", "");
    boolean ok = switch (t) {
      case "string" -> v.isString();
      case "integer" -> v.isIntegralNumber();
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "array:string" -> v.isArray() && v.valueStream().allMatch(JsonNode::isString);
      case "array:integer" -> v.isArray() && v.valueStream().allMatch(JsonNode::isIntegralNumber);
      default -> throw new IllegalArgumentException(type);
    };
    assertThat(ok).as(what + " is " + type + ": " + v).isTrue();
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.properties().forEach(e -> out.add(e.getKey()));
    return out;
  }
}
