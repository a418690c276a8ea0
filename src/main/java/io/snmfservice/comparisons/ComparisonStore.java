package io.snmfservice.comparisons;

import io.snmfservice.errors.NotFound;
import io.snmfservice.storage.SqlValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Comparison tables in PostgreSQL: written with the job's completion; read as JSON or as CSV. */
@Repository
public class ComparisonStore {

  /** CSV columns: one line per (method, concept, KL target, sign); steering columns empty without steering. */
  static final List<String> CSV_COLUMNS = List.of("method", "concept", "candidate", "candidate_index", "candidates",
      "hook", "train_auroc", "auroc", "accuracy", "kl_target", "sign", "alpha", "kl", "status", "output_centric",
      "steered_perplexity", "unsteered_perplexity", "steered_reactivation", "unsteered_reactivation",
      "judge_concept", "judge_fluency", "judge_harmonic");

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  ComparisonStore(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  JsonNode write(long jobId, ComparisonSettings settings, List<ComparisonCell> cells, JsonNode reference,
      JsonNode coreMetrics) {
    long id = jdbc.queryForObject("INSERT INTO comparison (job_id, model_id, settings, reference, core_metrics)"
        + " VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb) RETURNING id", Long.class, jobId, settings.modelId(),
        json.writeValueAsString(settings), jsonOrNull(reference), jsonOrNull(coreMetrics));
    List<Object[]> rows = new ArrayList<>();
    for (ComparisonCell c : cells) {
      rows.add(new Object[] {id, c.method(), c.concept(), c.candidate(), c.candidateIndex(), c.candidates(),
          c.featureId(), c.vectorSetId(), c.layer(), c.hook(), SqlValues.array(jdbc, "real", SqlValues.boxed(c.vector())),
          c.trainAuroc(), c.auroc(), c.accuracy(), finite(c.threshold()), json.writeValueAsString(c.steering()),
          jsonOrNull(c.probing()), jsonOrNull(c.budgets())});
    }
    jdbc.batchUpdate("INSERT INTO comparison_cell (comparison_id, method, concept, candidate, candidate_index,"
        + " candidates, feature_id, vector_set_id, layer, hook, vector, train_auroc, auroc, accuracy, threshold,"
        + " steering, probing, budgets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb,"
        + " ?::jsonb)", rows);
    return json.createObjectNode().put("comparisonId", id).put("cells", cells.size());
  }

  /** A comparison with its settings, cells, reference, core metrics and per-method summary; 404 if unknown. */
  public ObjectNode get(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, job_id, model_id, settings::text AS settings,"
        + " reference::text AS reference, core_metrics::text AS core_metrics, created_at FROM comparison WHERE id = ?",
        id);
    if (rows.isEmpty()) {
      throw new NotFound("comparison", id);
    }
    ObjectNode node = summary(rows.get(0));
    JsonNode settings = json.readTree((String) rows.get(0).get("settings"));
    node.set("methods", settings.get("methods"));
    node.set("steering", settings.get("steering"));
    ArrayNode concepts = node.putArray("concepts");
    settings.get("concepts").forEach(c -> concepts.add(c.get("name").asString()));
    node.set("probing", settings.get("probing"));
    node.set("reference", readOrNull((String) rows.get(0).get("reference")));
    node.set("coreMetrics", readOrNull((String) rows.get(0).get("core_metrics")));
    ArrayNode cells = node.putArray("rows");
    Map<String, double[]> means = new LinkedHashMap<>();
    Map<String, Map<String, double[]>> probing = new LinkedHashMap<>();
    for (Map<String, Object> c : jdbc.queryForList("SELECT method, concept, candidate, candidate_index, candidates,"
        + " feature_id, vector_set_id, layer, hook, vector, train_auroc, auroc, accuracy, threshold,"
        + " steering::text AS steering, probing::text AS probing, budgets::text AS budgets FROM comparison_cell"
        + " WHERE comparison_id = ? ORDER BY method, concept", id)) {
      ObjectNode cell = cells.addObject().put("method", (String) c.get("method"))
          .put("concept", (String) c.get("concept")).put("candidate", (String) c.get("candidate"))
          .put("candidateIndex", ((Number) c.get("candidate_index")).intValue())
          .put("candidates", ((Number) c.get("candidates")).intValue())
          .put("featureId", c.get("feature_id") == null ? null : ((Number) c.get("feature_id")).longValue())
          .put("vectorSetId", c.get("vector_set_id") == null ? null : ((Number) c.get("vector_set_id")).longValue())
          .put("layer", ((Number) c.get("layer")).intValue()).put("hook", (String) c.get("hook"))
          .put("trainAuroc", (Double) c.get("train_auroc")).put("auroc", (Double) c.get("auroc"))
          .put("accuracy", (Double) c.get("accuracy")).put("threshold", (Double) c.get("threshold"));
      JsonNode steering = json.readTree((String) c.get("steering"));
      cell.set("steering", steering);
      cell.set("probing", readOrNull((String) c.get("probing")));
      cell.set("budgets", readOrNull((String) c.get("budgets")));
      io.snmfservice.jobs.JobParams.addAll(cell.putArray("vector"), SqlValues.floats((java.sql.Array) c.get("vector")));
      double[] m = means.computeIfAbsent((String) c.get("method"), k -> new double[8]);
      m[0] += (Double) c.get("auroc");
      m[1] += (Double) c.get("accuracy");
      m[2]++;
      for (JsonNode s : steering) {
        if (s.path("offline").has("outputCentric")) {
          m[3] += s.get("offline").get("outputCentric").asDouble();
          m[4]++;
        }
      }
      JsonNode best = bestSteering(steering);
      cell.set("bestSteering", best);
      if (best != null) {
        m[5] += best.get("harmonic").asDouble();
        m[6]++;
      }
      Map<String, double[]> probes = probing.computeIfAbsent((String) c.get("method"), k -> new LinkedHashMap<>());
      for (JsonNode probe : cell.path("probing")) {
        double[] p = probes.computeIfAbsent(probe.get("all").asBoolean() ? "all" : probe.get("k").asString(),
            k -> new double[2]);
        p[0] += probe.get("testAccuracy").asDouble();
        p[1]++;
      }
    }
    ArrayNode summary = node.putArray("summary");
    means.forEach((method, m) -> {
      ObjectNode line = summary.addObject().put("method", method).put("meanAuroc", m[0] / m[2])
          .put("meanAccuracy", m[1] / m[2]).put("meanOutputCentric", m[4] == 0 ? null : m[3] / m[4])
          .put("steeredOutcomes", (int) m[4]).put("meanBestHarmonic", m[6] == 0 ? null : m[5] / m[6]);
      ObjectNode probes = line.putObject("meanProbingAccuracy");
      probing.getOrDefault(method, Map.of()).forEach((k, p) -> probes.put(k, p[0] / p[1]));
    });
    return node;
  }

  /** When the comparison was stored, in epoch milliseconds; 404 if unknown. */
  long createdMillis(long id) {
    return jdbc.queryForList("SELECT floor(extract(epoch FROM created_at) * 1000)::bigint FROM comparison WHERE id = ?",
        Long.class, id).stream().findFirst().orElseThrow(() -> new NotFound("comparison", id));
  }

  /** The score settings a method's core metrics ran with, or null when it had none. */
  JsonNode coreSettings(long id, String method) {
    return jdbc.queryForList("SELECT settings -> 'coreMetrics' -> ?::text #>> '{}' FROM comparison WHERE id = ?",
        String.class, method, id).stream().filter(java.util.Objects::nonNull).findFirst().map(json::readTree)
        .orElse(null);
  }

  /** The table as CSV (RFC 4180 quoting, text cells that a spreadsheet would run as formulas neutralised). */
  String csv(long id) {
    JsonNode table = get(id);
    StringBuilder out = new StringBuilder();
    CsvCells.line(out, CSV_COLUMNS);
    for (JsonNode c : table.get("rows")) {
      List<String> head = List.of(c.get("method").asString(), c.get("concept").asString(),
          c.get("candidate").asString(), c.get("candidateIndex").asString(), c.get("candidates").asString(),
          c.get("hook").asString(), c.get("trainAuroc").asString(), c.get("auroc").asString(),
          c.get("accuracy").asString());
      if (c.get("steering").isEmpty()) {
        line(out, head, List.of("", "", "", "", "", "", "", "", "", "", "", "", ""));
      }
      for (JsonNode s : c.get("steering")) {
        JsonNode off = s.path("offline");
        JsonNode judge = s.path("judge");
        line(out, head, List.of(s.get("target").asString(), s.get("sign").asString(), s.get("alpha").asString(),
            s.get("kl").asString(), s.get("status").asString(), num(off, "outputCentric"),
            num(off, "steeredPerplexity"), num(off, "unsteeredPerplexity"), num(off, "steeredReactivation"),
            num(off, "unsteeredReactivation"), num(judge, "concept"), num(judge, "fluency"), num(judge, "harmonic")));
      }
    }
    return out.toString();
  }

  public List<JsonNode> list(Long modelId, int offset, int limit) {
    return jdbc.queryForList("SELECT id, job_id, model_id, created_at FROM comparison"
            + " WHERE (?::bigint IS NULL OR model_id = ?) ORDER BY id LIMIT ? OFFSET ?", modelId, modelId, limit, offset)
        .stream().map(r -> (JsonNode) summary(r)).toList();
  }

  public long count(Long modelId) {
    return jdbc.queryForObject("SELECT count(*) FROM comparison WHERE (?::bigint IS NULL OR model_id = ?)", Long.class,
        modelId, modelId);
  }

  private ObjectNode summary(Map<String, Object> r) {
    return json.createObjectNode().put("id", ((Number) r.get("id")).longValue())
        .put("jobId", r.get("job_id") == null ? null : ((Number) r.get("job_id")).longValue())
        .put("modelId", ((Number) r.get("model_id")).longValue()).put("createdAt", r.get("created_at").toString());
  }

  /**
   * AxBench's pick: the steering outcome (KL target and sign) with the highest judge harmonic mean, or null without
   * judge scores; the first among equals.
   */
  private JsonNode bestSteering(JsonNode steering) {
    JsonNode best = null;
    for (JsonNode s : steering) {
      JsonNode h = s.path("judge").path("harmonic");
      if (h.isNumber() && (best == null || h.asDouble() > best.get("harmonic").asDouble())) {
        best = json.createObjectNode().put("target", s.get("target").asDouble()).put("sign", s.get("sign").asString())
            .put("alpha", s.get("alpha").asDouble()).put("harmonic", h.asDouble());
      }
    }
    return best;
  }

  private String jsonOrNull(JsonNode node) {
    return node == null ? null : json.writeValueAsString(node);
  }

  private JsonNode readOrNull(String text) {
    return text == null ? null : json.readTree(text);
  }

  private static String num(JsonNode node, String field) {
    return node.has(field) && !node.get(field).isNull() ? node.get(field).asString() : "";
  }

  private static void line(StringBuilder out, List<String> head, List<String> tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(tail);
    CsvCells.line(out, all);
  }

  /** Best thresholds can be +∞ (all neutral); PostgreSQL stores it, JSON cannot: keep it as the largest double. */
  private static double finite(double v) {
    return Double.isInfinite(v) ? Double.MAX_VALUE : v;
  }
}
