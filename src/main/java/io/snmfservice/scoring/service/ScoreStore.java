package io.snmfservice.scoring.service;

import io.snmfservice.errors.NotFound;
import io.snmfservice.storage.SqlValues;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The {@code score} table, and the reads of factorizations a score needs. */
@Repository
class ScoreStore {

  /** What a score needs of a factorization. */
  record Factorization(long modelId, int layer, String hookSuffix, long datasetId, Integer contextLength) {}

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  ScoreStore(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  Factorization factorization(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT model_id, layer, hook, dataset_id,"
        + " settings->>'contextLength' AS context_length FROM factorization WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("factorization", id);
    }
    Map<String, Object> r = rows.get(0);
    Object context = r.get("context_length");
    return new Factorization(((Number) r.get("model_id")).longValue(), ((Number) r.get("layer")).intValue(),
        (String) r.get("hook"), ((Number) r.get("dataset_id")).longValue(),
        context == null ? null : Integer.valueOf(context.toString()));
  }

  int featureCount(long factorizationId, int level) {
    return jdbc.queryForObject("SELECT count(*) FROM feature WHERE factorization_id = ? AND level = ?", Integer.class,
        factorizationId, level);
  }

  /** The directions f_k of one level in index order (F's columns as stored). */
  float[][] directions(long factorizationId, int level) {
    return jdbc.query("SELECT direction FROM feature WHERE factorization_id = ? AND level = ? ORDER BY index",
        (rs, i) -> SqlValues.floats(rs.getArray("direction")), factorizationId, level).toArray(float[][]::new);
  }

  long insert(long jobId, ScoreSettings settings, JsonNode results) {
    return jdbc.queryForObject("INSERT INTO score (job_id, model_id, hook, factorization_id, level, vector_set_id,"
            + " dataset_id, settings, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb) RETURNING id",
        Long.class, jobId, settings.modelId(), settings.hook(), settings.factorizationId(), settings.level(),
        settings.vectorSetId(), settings.datasetId(), json.writeValueAsString(settings),
        json.writeValueAsString(results));
  }

  JsonNode get(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT " + COLUMNS + ", settings::text AS settings,"
        + " results::text AS results FROM score WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("score", id);
    }
    ObjectNode node = summary(rows.get(0));
    node.set("settings", json.readTree((String) rows.get(0).get("settings")));
    node.setAll((ObjectNode) json.readTree((String) rows.get(0).get("results")));
    return node;
  }

  List<JsonNode> list(int offset, int limit) {
    return jdbc.queryForList("SELECT " + COLUMNS + " FROM score ORDER BY id DESC OFFSET ? LIMIT ?", offset, limit)
        .stream().map(r -> (JsonNode) summary(r)).toList();
  }

  long count() {
    return jdbc.queryForObject("SELECT count(*) FROM score", Long.class);
  }

  void delete(long id) {
    if (jdbc.update("DELETE FROM score WHERE id = ?", id) == 0) {
      throw new NotFound("score", id);
    }
  }

  private static final String COLUMNS = "id, job_id, model_id, hook, factorization_id, level, vector_set_id,"
      + " dataset_id, created_at";

  private ObjectNode summary(Map<String, Object> r) {
    ObjectNode node = json.createObjectNode().put("id", ((Number) r.get("id")).longValue())
        .put("jobId", r.get("job_id") == null ? null : ((Number) r.get("job_id")).longValue())
        .put("modelId", ((Number) r.get("model_id")).longValue()).put("hook", (String) r.get("hook"));
    node.put("factorizationId", longOrNull(r.get("factorization_id")));
    node.put("level", r.get("level") == null ? null : ((Number) r.get("level")).intValue());
    node.put("vectorSetId", longOrNull(r.get("vector_set_id")));
    node.put("datasetId", ((Number) r.get("dataset_id")).longValue());
    node.put("createdAt", r.get("created_at").toString());
    return node;
  }

  private static Long longOrNull(Object value) {
    return value == null ? null : ((Number) value).longValue();
  }
}
