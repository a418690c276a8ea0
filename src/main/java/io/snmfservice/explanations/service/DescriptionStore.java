package io.snmfservice.explanations.service;

import io.snmfservice.errors.NotFound;
import io.snmfservice.explanations.FeatureExplainer;
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
  record Written(long featureId, String description, FeatureExplainer.Detection detection) {}

  /** A top-activating context: its marked form for the judge and its plain text for detection. */
  record Context(String marked, String text) {}

  /** A top context's text and the feature it belongs to. */
  record FeatureContext(long featureId, String text) {}

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  DescriptionStore(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  List<Context> contexts(long featureId) {
    return jdbc.query("SELECT position, context_start, context_tokens, context_activations, context_text"
        + " FROM feature_top_input WHERE feature_id = ? ORDER BY rank", (rs, i) -> {
          List<String> tokens = List.of((String[]) rs.getArray("context_tokens").getArray());
          Float[] acts = (Float[]) rs.getArray("context_activations").getArray();
          return new Context(FeatureExplainer.mark(tokens, List.of(acts), rs.getInt("position") - rs.getInt("context_start")),
              rs.getString("context_text"));
        }, featureId);
  }

  List<String> promoted(long featureId, int count) {
    return jdbc.queryForList("SELECT token_text FROM feature_vocab WHERE feature_id = ? AND sign = 1 AND rank < ?"
        + " ORDER BY rank", String.class, featureId, count);
  }

  /** The best contexts of a factorization's features, feature by feature (for non-activating examples). */
  List<FeatureContext> firstContexts(long factorizationId, int perFeature) {
    return jdbc.query("SELECT t.feature_id, t.context_text FROM feature_top_input t JOIN feature f"
        + " ON f.id = t.feature_id WHERE f.factorization_id = ? AND t.rank < ? ORDER BY t.rank, f.level, f.index",
        (rs, row) -> new FeatureContext(rs.getLong("feature_id"), rs.getString("context_text")), factorizationId,
        perFeature);
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
      jdbc.update("INSERT INTO feature_description (feature_id, job_id, description, detection_accuracy,"
              + " detection_trials, detection_failures, trials, judge_model) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)"
              + " ON CONFLICT (feature_id) DO UPDATE SET job_id = EXCLUDED.job_id, description = EXCLUDED.description,"
              + " detection_accuracy = EXCLUDED.detection_accuracy, detection_trials = EXCLUDED.detection_trials,"
              + " detection_failures = EXCLUDED.detection_failures, trials = EXCLUDED.trials,"
              + " judge_model = EXCLUDED.judge_model, created_at = now()",
          w.featureId(), jobId, w.description(), d.accuracy(), d.answered(), d.failures(),
          json.writeValueAsString(d.trials()), judgeModel);
    }
    return json.createObjectNode().put("described", written.size());
  }

  ObjectNode description(long featureId) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT feature_id, job_id, description, detection_accuracy,"
        + " detection_trials, detection_failures, trials::text AS trials, judge_model, created_at"
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
        .put("judgeModel", (String) r.get("judge_model")).put("createdAt", r.get("created_at").toString());
    node.set("trials", json.readTree((String) r.get("trials")));
    return node;
  }
}
