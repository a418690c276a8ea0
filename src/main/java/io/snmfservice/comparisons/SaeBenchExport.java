package io.snmfservice.comparisons;

import io.snmfservice.errors.Invalid;
import io.snmfservice.transformer.HookPoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One method of a comparison in the JSON layout SAEBench writes per eval ({@code BaseEvalOutput} and the
 * {@code core} and {@code sparse_probing} eval outputs of SAEBench): {@code core} from the method's core metrics
 * (held-out split), {@code sparse_probing} from its probes and the raw-activation reference at its hook. Numbers
 * are copied, never made up: a field SAEBench requires that the service does not measure is null and named in
 * {@code eval_result_unstructured.unavailable}. docs/metrics.md ("SAEBench export") has the mapping.
 */
@Component
class SaeBenchExport {

  /** The SAEBench commit whose eval output schemas this layout follows. */
  static final String LAYOUT_COMMIT = "8042bb3828c6340da8d12062324e92b2077c571c";
  /** The k values SAEBench's sparse-probing output has fields for ({@code llm_top_<k>_test_accuracy}). */
  static final List<Integer> SAEBENCH_KS = List.of(1, 2, 5, 10, 20, 50, 100);

  private final ComparisonStore store;
  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  SaeBenchExport(ComparisonStore store, JdbcTemplate jdbc, JsonMapper json) {
    this.store = store;
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The evals comparison {@code id} covers for {@code method}: 404 if no such comparison, 422 if no such method. */
  ObjectNode export(long id, String method) {
    ObjectNode comparison = store.get(id);
    List<String> names = new ArrayList<>();
    JsonNode settings = null;
    for (JsonNode m : comparison.get("methods")) {
      names.add(m.get("name").asString());
      if (m.get("name").asString().equals(method)) {
        settings = m;
      }
    }
    if (settings == null) {
      throw Invalid.value("method", (method == null || method.isBlank() ? "method is required"
          : "comparison " + id + " has no method '" + method + "'") + "; its methods: " + String.join(", ", names));
    }
    Source source = source(comparison, settings);
    ObjectNode out = json.createObjectNode();
    JsonNode core = comparison.path("coreMetrics").path(method);
    if (core.has("heldOut")) {
      out.set("core", core(source, core, store.coreSettings(id, method)));
    }
    if (!comparison.path("probing").isNull() && !comparison.path("probing").isMissingNode()) {
      out.set("sparse_probing", sparseProbing(source, comparison));
    }
    return out;
  }

  /** What every eval of this method shares. */
  private record Source(long comparisonId, String method, String hook, long createdMillis, String modelName,
      ObjectNode saeConfig, List<JsonNode> rows) {}

  private Source source(ObjectNode comparison, JsonNode method) {
    long id = comparison.get("id").asLong();
    String name = method.get("name").asString();
    String hook = method.get("hook").asString();
    List<JsonNode> rows = new ArrayList<>();
    comparison.get("rows").forEach(r -> {
      if (r.get("method").asString().equals(name)) {
        rows.add(r);
      }
    });
    String modelName = jdbc.queryForList("SELECT name FROM model WHERE id = ?", String.class,
        comparison.get("modelId").asLong()).stream().findFirst().orElse(null);
    return new Source(id, name, hook, store.createdMillis(id), modelName,
        saeConfig(method, hook, modelName, rows), rows);
  }

  /**
   * SAE Lens's config of the method: an imported SAE's own {@code cfg.json}; otherwise the entries of that schema
   * the service knows (model, hook, widths, and the method as the architecture).
   */
  private ObjectNode saeConfig(JsonNode method, String hook, String modelName, List<JsonNode> rows) {
    if (method.hasNonNull("vectorSetId")) {
      List<Map<String, Object>> set = jdbc.queryForList("SELECT metadata::text AS metadata, size FROM vector_set"
          + " WHERE id = ?", method.get("vectorSetId").asLong());
      if (!set.isEmpty()) {
        JsonNode metadata = json.readTree((String) set.get(0).get("metadata"));
        if (metadata.get("cfg") instanceof ObjectNode cfg) {
          return cfg;
        }
      }
    }
    ObjectNode cfg = json.createObjectNode().put("model_name", modelName).put("hook_name", hook)
        .put("hook_layer", HookPoint.parse(hook).layer());
    if (!rows.isEmpty()) {
      cfg.put("d_in", rows.get(0).get("vector").size());
    }
    switch (method.get("kind").asString()) {
      case ComparisonSettings.FACTORIZATION -> cfg.put("architecture", "snmf").put("d_sae", jdbc.queryForObject(
          "SELECT count(*) FROM feature WHERE factorization_id = ? AND level = ?", Integer.class,
          method.get("factorizationId").asLong(), method.get("level").asInt()));
      case ComparisonSettings.DIFF_MEANS -> cfg.put("architecture", "diffmeans");
      default -> jdbc.queryForList("SELECT size FROM vector_set WHERE id = ?", Integer.class,
          method.get("vectorSetId").asLong()).stream().findFirst().ifPresent(size -> cfg.put("d_sae", size));
    }
    return cfg;
  }

  /** The fields every SAEBench eval output has; {@code eval_id} is stable per comparison, method and eval. */
  private ObjectNode base(Source s, String type, ObjectNode config, ObjectNode metrics, ArrayNode details,
      ObjectNode unstructured) {
    ObjectNode out = json.createObjectNode().put("eval_type_id", type);
    out.set("eval_config", config);
    out.put("eval_id", UUID.nameUUIDFromBytes(("snmf-service comparison " + s.comparisonId() + " method "
        + s.method() + " eval " + type).getBytes(StandardCharsets.UTF_8)).toString());
    out.put("datetime_epoch_millis", s.createdMillis());
    out.set("eval_result_metrics", metrics);
    out.set("eval_result_details", details);
    // nothing of SAEBench ran: the commit field says who computed the numbers (docs/metrics.md)
    out.put("sae_bench_commit_hash", "snmf-service");
    out.putNull("sae_lens_id");
    out.putNull("sae_lens_release_id");
    out.putNull("sae_lens_version");
    out.set("sae_cfg_dict", s.saeConfig());
    unstructured.put("producer", "snmf-service").put("layoutCommit", LAYOUT_COMMIT)
        .put("comparisonId", s.comparisonId()).put("method", s.method()).put("hook", s.hook());
    out.set("eval_result_unstructured", unstructured);
    return out;
  }

  private ObjectNode core(Source s, JsonNode core, JsonNode scoreSettings) {
    JsonNode m = core.get("heldOut");
    ObjectNode config = json.createObjectNode().put("model_name", s.modelName())
        .put("dataset", datasetName(m.get("datasetId").asLong()))
        .put("compute_kl", true).put("compute_ce_loss", true).put("compute_l2_norms", true)
        .put("compute_sparsity_metrics", true).put("compute_variance_metrics", true)
        .put("compute_featurewise_density_statistics", true).put("compute_featurewise_weight_based_metrics", true)
        .put("exclude_special_tokens_from_reconstruction", true);
    if (scoreSettings != null && scoreSettings.has("contextLength")) {
      config.put("context_size", scoreSettings.get("contextLength").asInt());
    }
    ArrayNode unavailable = json.createArrayNode();
    ObjectNode metrics = json.createObjectNode();
    Category c = new Category(metrics.putObject("model_behavior_preservation"), "model_behavior_preservation",
        unavailable);
    c.copy("kl_div_score", m, "klScore").copy("kl_div_with_ablation", m, "klZero")
        .copy("kl_div_with_sae", m, "klSpliced");
    c = new Category(metrics.putObject("model_performance_preservation"), "model_performance_preservation",
        unavailable);
    c.copy("ce_loss_score", m, "ceLossRecoveredVsZero").copy("ce_loss_with_ablation", m, "ceZero")
        .copy("ce_loss_with_sae", m, "ceSpliced").copy("ce_loss_without_sae", m, "ceClean");
    c = new Category(metrics.putObject("reconstruction_quality"), "reconstruction_quality", unavailable);
    c.copy("explained_variance", m, "explainedVariance")
        .copy("explained_variance_legacy", m, "explainedVarianceLegacy").copy("mse", m, "mse")
        .copy("cossim", m, "cossim");
    c = new Category(metrics.putObject("shrinkage"), "shrinkage", unavailable);
    c.copy("l2_norm_in", m, "l2NormIn").copy("l2_norm_out", m, "l2NormOut").copy("l2_ratio", m, "l2Ratio")
        .copy("relative_reconstruction_bias", m, "relativeReconstructionBias");
    c = new Category(metrics.putObject("sparsity"), "sparsity", unavailable);
    c.copy("l0", m, "l0").copy("l1", m, "l1");
    c = new Category(metrics.putObject("token_stats"), "token_stats", unavailable);
    c.copy("total_tokens_eval_reconstruction", m, "tokens").copy("total_tokens_eval_sparsity_variance", m,
        "activations");
    c = new Category(metrics.putObject("misc_metrics"), "misc_metrics", unavailable);
    double latents = m.get("latents").asDouble();
    JsonNode weights = core.path("weights");
    c.value("freq_over_1_percent", share(m, "latentsOverOnePercent", latents))
        .value("freq_over_10_percent", share(m, "latentsOverTenPercent", latents))
        .copy("normalized_freq_over_1_percent", m, "normalizedFrequencyOverOnePercent")
        .copy("normalized_freq_over_10_percent", m, "normalizedFrequencyOverTenPercent")
        .copy("average_max_encoder_cosine_sim", weights, "averageMaxEncoderCosine")
        .copy("average_max_decoder_cosine_sim", weights, "averageMaxDecoderCosine")
        .value("frac_alive", (latents - m.get("deadLatents").asDouble()) / latents);
    ObjectNode unstructured = json.createObjectNode();
    unstructured.set("unavailable", unavailable);
    unstructured.set("coreMetrics", core);
    // SAEBench's per-feature details need every field of a feature (weights, per-feature density): none is sent
    return base(s, "core", config, metrics, json.createArrayNode(), unstructured);
  }

  private ObjectNode sparseProbing(Source s, ObjectNode comparison) {
    JsonNode probing = comparison.get("probing");
    ObjectNode config = json.createObjectNode().put("random_seed", probing.get("seed").asLong())
        .put("model_name", s.modelName());
    config.set("dataset_names", comparison.get("concepts"));
    config.set("k_values", probing.get("ks"));
    ArrayNode unavailable = json.createArrayNode();
    ArrayNode details = json.createArrayNode();
    ObjectNode probes = json.createObjectNode();
    List<ObjectNode> perConcept = new ArrayList<>();
    for (JsonNode concept : comparison.get("concepts")) {
      String name = concept.asString();
      JsonNode llm = comparison.path("reference").path(s.hook()).path(name);
      JsonNode sae = s.rows().stream().filter(r -> r.get("concept").asString().equals(name)).findFirst()
          .map(r -> r.path("probing")).orElse(json.missingNode());
      ObjectNode detail = details.addObject().put("dataset_name", name);
      accuracies(detail, "llm", llm);
      accuracies(detail, "sae", sae);
      perConcept.add(detail);
      ObjectNode both = probes.putObject(name);
      both.set("llm", llm.isMissingNode() ? null : llm);
      both.set("sae", sae.isMissingNode() ? null : sae);
    }
    for (ObjectNode detail : perConcept) {
      if (detail.get("llm_test_accuracy").isNull()) {
        unavailable.add("eval_result_details[" + detail.get("dataset_name").asString() + "].llm_test_accuracy");
      }
    }
    ObjectNode metrics = json.createObjectNode();
    for (String group : List.of("llm", "sae")) {
      ObjectNode category = metrics.putObject(group);
      List<String> fields = new ArrayList<>();
      fields.add(group + "_test_accuracy");
      SAEBENCH_KS.forEach(k -> fields.add(group + "_top_" + k + "_test_accuracy"));
      for (String field : fields) {
        // SAEBench's headline is the mean over its datasets; each concept is one dataset here
        double sum = 0;
        boolean all = !perConcept.isEmpty();
        for (ObjectNode d : perConcept) {
          all &= d.get(field).isNumber();
          sum += d.get(field).asDouble(0);
        }
        category.put(field, all ? sum / perConcept.size() : null);
      }
    }
    if (metrics.get("llm").get("llm_test_accuracy").isNull()) {
      unavailable.add("eval_result_metrics.llm.llm_test_accuracy");
    }
    ObjectNode unstructured = json.createObjectNode();
    unstructured.set("unavailable", unavailable);
    unstructured.set("probes", probes);
    return base(s, "sparse_probing", config, metrics, details, unstructured);
  }

  /** {@code <group>_test_accuracy} (the probe on everything) and {@code <group>_top_<k>_test_accuracy} per k. */
  private static void accuracies(ObjectNode detail, String group, JsonNode probes) {
    Double all = null;
    Map<Integer, Double> byK = new HashMap<>();
    for (JsonNode p : probes) {
      byK.put(p.get("k").asInt(), p.get("testAccuracy").asDouble());
      if (p.get("all").asBoolean()) {
        all = p.get("testAccuracy").asDouble();
      }
    }
    detail.put(group + "_test_accuracy", all);
    for (int k : SAEBENCH_KS) {
      detail.put(group + "_top_" + k + "_test_accuracy", byK.get(k));
    }
  }

  /** A count of latents as a share of all, or null when the metrics (stored before it was counted) lack it. */
  private static Double share(JsonNode metrics, String count, double latents) {
    return metrics.has(count) ? metrics.get(count).asDouble() / latents : null;
  }

  private String datasetName(long datasetId) {
    return jdbc.queryForList("SELECT name FROM dataset WHERE id = ?", String.class, datasetId).stream().findFirst()
        .orElse("dataset " + datasetId);
  }

  /** One metric category: each field copied from our metrics, or null and listed as unavailable. */
  private record Category(ObjectNode node, String name, ArrayNode unavailable) {

    Category copy(String field, JsonNode metrics, String ours) {
      JsonNode v = metrics.get(ours);
      return value(field, v == null || !v.isNumber() ? null : v);
    }

    Category value(String field, Object v) {
      if (v == null) {
        return none(field);
      }
      if (v instanceof JsonNode n) {
        node.set(field, n);
      } else {
        node.put(field, (Double) v);
      }
      return this;
    }

    Category none(String field) {
      node.putNull(field);
      unavailable.add("eval_result_metrics." + name + "." + field);
      return this;
    }
  }
}
