package io.snmfservice.explanations.service;

import io.snmfservice.errors.NotFound;
import io.snmfservice.explanations.FeatureExplainer;
import io.snmfservice.explanations.FuzzSamples;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Feature descriptions and the evidence the explain job reads (top inputs, vocabulary projections). */
@Repository
class DescriptionStore {

  /** One written description. */
  record Written(long featureId, String description, FeatureExplainer.Detection detection,
      FeatureExplainer.Fuzzing fuzzing) {}

  /** A top-activating context: its marked form for the judge, its plain text for detection, its tokens for fuzzing. */
  record Context(String marked, String text, FuzzSamples.Window window) {}

  /** A top context of a feature: its text and tokens. */
  record FeatureContext(long featureId, String text, FuzzSamples.Window window) {}

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  DescriptionStore(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  List<Context> contexts(long featureId) {
    return jdbc.query("SELECT position, context_start, context_tokens, context_activations, context_text"
        + " FROM feature_top_input WHERE feature_id = ? ORDER BY rank", (rs, i) -> {
          FuzzSamples.Window w = window(rs);
          return new Context(FeatureExplainer.mark(w.tokens(), w.activations(), w.firing()),
              rs.getString("context_text"), w);
        }, featureId);
  }

  private static FuzzSamples.Window window(ResultSet rs) throws SQLException {
    return new FuzzSamples.Window(List.of((String[]) rs.getArray("context_tokens").getArray()),
        List.of((Float[]) rs.getArray("context_activations").getArray()),
        rs.getInt("position") - rs.getInt("context_start"));
  }

  List<String> promoted(long featureId, int count) {
    return jdbc.queryForList("SELECT token_text FROM feature_vocab WHERE feature_id = ? AND sign = 1 AND rank < ?"
        + " ORDER BY rank", String.class, featureId, count);
  }

  /** The best contexts of a factorization's features, feature by feature (for non-activating examples). */
  List<FeatureContext> firstContexts(long factorizationId, int perFeature) {
    return jdbc.query("SELECT t.feature_id, t.context_text, t.position, t.context_start, t.context_tokens,"
        + " t.context_activations FROM feature_top_input t JOIN feature f ON f.id = t.feature_id"
        + " WHERE f.factorization_id = ? AND t.rank < ? ORDER BY t.rank, f.level, f.index",
        (rs, row) -> new FeatureContext(rs.getLong("feature_id"), rs.getString("context_text"), window(rs)),
        factorizationId, perFeature);
  }

  List<Long> features(long factorizationId, int level) {
    return jdbc.queryForList("SELECT id FROM feature WHERE factorization_id = ? AND level = ? ORDER BY index",
        Long.class, factorizationId, level);
  }

  List<Long> featuresOf(long factorizationId, List<Long> ids) {
    return jdbc.queryForList("SELECT id FROM feature WHERE factorization_id = ? AND id = ANY (?) ORDER BY level, index",
        Long.class, factorizationId, jdbc.execute((java.sql.Connection c) -> c.createArrayOf("bigint", ids.toArray())));
  }

  boolean factorizationExists(long id) {
    return jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM factorization WHERE id = ?)", Boolean.class, id);
  }

  JsonNode write(long jobId, String judgeModel, List<Written> written) {
    for (Written w : written) {
      FeatureExplainer.Detection d = w.detection();
      FeatureExplainer.Fuzzing f = w.fuzzing();
      jdbc.update("INSERT INTO feature_description (feature_id, job_id, description, detection_accuracy,"
              + " detection_trials, detection_failures, trials, fuzzing_accuracy, fuzzing, judge_model)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)"
              + " ON CONFLICT (feature_id) DO UPDATE SET job_id = EXCLUDED.job_id, description = EXCLUDED.description,"
              + " detection_accuracy = EXCLUDED.detection_accuracy, detection_trials = EXCLUDED.detection_trials,"
              + " detection_failures = EXCLUDED.detection_failures, trials = EXCLUDED.trials,"
              + " fuzzing_accuracy = EXCLUDED.fuzzing_accuracy, fuzzing = EXCLUDED.fuzzing,"
              + " judge_model = EXCLUDED.judge_model, created_at = now()",
          w.featureId(), jobId, w.description(), d.accuracy(), d.answered(), d.failures(),
          json.writeValueAsString(d.trials()), f.accuracy(), json.writeValueAsString(f), judgeModel);
    }
    return json.createObjectNode().put("described", written.size());
  }

  ObjectNode description(long featureId) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT feature_id, job_id, description, detection_accuracy,"
        + " detection_trials, detection_failures, trials::text AS trials, fuzzing_accuracy, fuzzing::text AS fuzzing,"
        + " judge_model, created_at"
        + " FROM feature_description WHERE feature_id = ?", featureId);
    if (rows.isEmpty()) {
      if (jdbc.queryForObject("SELECT count(*) FROM feature WHERE id = ?", Long.class, featureId) == 0) {
        throw new NotFound("feature", featureId);
      }
      throw new NotFound("description of feature", featureId);
    }
    Map<String, Object> r = rows.get(0);
    ObjectNode node = json.createObjectNode().put("featureId", featureId)
        .put("jobId", r.get("job_id") == null ? null : ((Number) r.get("job_id")).longValue())
        .put("description", (String) r.get("description"))
        .put("detectionAccuracy", (Double) r.get("detection_accuracy"))
        .put("detectionTrials", ((Number) r.get("detection_trials")).intValue())
        .put("detectionFailures", ((Number) r.get("detection_failures")).intValue())
        .put("fuzzingAccuracy", (Double) r.get("fuzzing_accuracy"))
        .put("judgeModel", (String) r.get("judge_model")).put("createdAt", r.get("created_at").toString());
    node.set("trials", json.readTree((String) r.get("trials")));
    // descriptions written before fuzzing existed (V21) have none
    node.set("fuzzing", r.get("fuzzing") == null ? json.nullNode() : json.readTree((String) r.get("fuzzing")));
    return node;
  }
}
