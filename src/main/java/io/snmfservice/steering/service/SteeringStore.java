package io.snmfservice.steering.service;

import io.snmfservice.errors.NotFound;
import io.snmfservice.steering.Generation;
import io.snmfservice.steering.JudgeSummary;
import io.snmfservice.steering.LogitShift;
import io.snmfservice.steering.OfflineScores;
import io.snmfservice.steering.SteeringOutcome;
import io.snmfservice.storage.SqlValues;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Steering runs, outcomes and causal scores in PostgreSQL: written with the job's completion, read by the API. */
@Repository
public class SteeringStore {

  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  SteeringStore(JdbcTemplate jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  JsonNode write(long jobId, long modelId, List<String> prompts, JsonNode settings, List<SteeringJobHandler.Run> runs) {
    ArrayNode runIds = json.createArrayNode();
    for (SteeringJobHandler.Run run : runs) {
      long runId = jdbc.queryForObject("INSERT INTO steering_run (job_id, model_id, feature_id, layer, vector, prompts,"
              + " settings, unsteered_generations, hook, vector_set_id, vector_index)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?) RETURNING id",
          Long.class, jobId, modelId, run.target().featureId(), run.target().layer(), SqlValues.array(jdbc, "real", SqlValues.boxed(run.target().vector())),
          SqlValues.array(jdbc, "text", prompts.toArray()), json.writeValueAsString(settings),
          json.writeValueAsString(generations(run.report().unsteeredGenerations())), run.target().hook().suffix(),
          run.target().vectorSetId(), run.target().vectorIndex());
      List<SteeringOutcome> outcomes = run.report().outcomes();
      for (int o = 0; o < outcomes.size(); o++) {
        SteeringOutcome out = outcomes.get(o);
        long outcomeId = jdbc.queryForObject("INSERT INTO steering_outcome (run_id, target, sign, alpha, kl, status,"
                + " evaluations, rising, falling, generations) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)"
                + " RETURNING id", Long.class, runId, out.alpha().target(), out.sign().factor(), out.alpha().alpha(),
            out.alpha().kl(), out.alpha().status().name(), out.alpha().evaluations(),
            json.writeValueAsString(shifts(out.shifts() == null ? List.of() : out.shifts().rising())),
            json.writeValueAsString(shifts(out.shifts() == null ? List.of() : out.shifts().falling())),
            json.writeValueAsString(generations(out.generations())));
        if (out.scores() != null) {
          score(outcomeId, run.target().featureId(), OfflineScores.METHOD, out, json.valueToTree(out.scores()));
        }
        JudgeSummary judged = run.judged() == null ? null : run.judged().get(o);
        if (judged != null) {
          score(outcomeId, run.target().featureId(), JudgeSummary.METHOD, out, json.valueToTree(judged));
        }
      }
      runIds.add(runId);
    }
    ObjectNode summary = json.createObjectNode();
    summary.set("steeringRunIds", runIds);
    return summary;
  }

  private void score(long outcomeId, Long featureId, String method, SteeringOutcome out, JsonNode scores) {
    jdbc.update("INSERT INTO causal_score (outcome_id, feature_id, method, target, sign, scores)"
            + " VALUES (?, ?, ?, ?, ?, ?::jsonb)", outcomeId, featureId, method, out.alpha().target(),
        out.sign().factor(), json.writeValueAsString(scores));
  }

  public JsonNode run(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, job_id, model_id, feature_id, layer, prompts,"
        + " hook, vector_set_id, vector_index, settings::text AS settings, unsteered_generations::text AS unsteered, created_at FROM steering_run"
        + " WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("steering run", id);
    }
    Map<String, Object> r = rows.get(0);
    ObjectNode node = summary(r);
    node.set("settings", json.readTree((String) r.get("settings")));
    node.set("unsteeredGenerations", json.readTree((String) r.get("unsteered")));
    ArrayNode outcomes = node.putArray("outcomes");
    for (Map<String, Object> o : jdbc.queryForList("SELECT id, target, sign, alpha, kl, status, evaluations,"
        + " rising::text AS rising, falling::text AS falling, generations::text AS generations FROM steering_outcome"
        + " WHERE run_id = ? ORDER BY sign DESC, target", id)) {
      ObjectNode out = outcomes.addObject();
      out.put("id", ((Number) o.get("id")).longValue());
      out.put("target", (Double) o.get("target"));
      out.put("sign", ((Number) o.get("sign")).intValue() > 0 ? "+" : "-");
      out.put("alpha", (Double) o.get("alpha"));
      out.put("kl", (Double) o.get("kl"));
      out.put("status", (String) o.get("status"));
      out.put("evaluations", ((Number) o.get("evaluations")).intValue());
      out.set("rising", json.readTree((String) o.get("rising")));
      out.set("falling", json.readTree((String) o.get("falling")));
      out.set("generations", json.readTree((String) o.get("generations")));
      out.set("scores", scores("outcome_id", ((Number) o.get("id")).longValue()));
    }
    return node;
  }

  public List<JsonNode> runs(Long modelId, Long featureId) {
    return runs(modelId, featureId, 0, Integer.MAX_VALUE);
  }

  /** Runs in id order, optionally of one model or feature, one page of them. */
  public List<JsonNode> runs(Long modelId, Long featureId, int offset, int limit) {
    return jdbc.queryForList("SELECT id, job_id, model_id, feature_id, layer, prompts, hook, vector_set_id,"
                + " vector_index, created_at FROM steering_run"
                + " WHERE (?::bigint IS NULL OR model_id = ?) AND (?::bigint IS NULL OR feature_id = ?) ORDER BY id"
                + " OFFSET ? LIMIT ?",
            modelId, modelId, featureId, featureId, offset, limit)
        .stream().map(r -> (JsonNode) summary(r)).toList();
  }

  public long countRuns(Long modelId, Long featureId) {
    return jdbc.queryForObject("SELECT count(*) FROM steering_run WHERE (?::bigint IS NULL OR model_id = ?)"
        + " AND (?::bigint IS NULL OR feature_id = ?)", Long.class, modelId, modelId, featureId, featureId);
  }

  /** Deletes a run with its outcomes and causal scores (they cascade); 404 if it does not exist. */
  public void delete(long id) {
    if (jdbc.update("DELETE FROM steering_run WHERE id = ?", id) == 0) {
      throw new NotFound("steering run", id);
    }
  }

  public JsonNode causalScores(long featureId) {
    if (jdbc.queryForObject("SELECT count(*) FROM feature WHERE id = ?", Long.class, featureId) == 0) {
      throw new NotFound("feature", featureId);
    }
    return scores("c.feature_id", featureId);
  }

  private ArrayNode scores(String column, long id) {
    ArrayNode out = json.createArrayNode();
    for (Map<String, Object> s : jdbc.queryForList("SELECT c.method, c.target, c.sign, c.scores::text AS scores,"
        + " o.alpha, o.kl, o.status, o.run_id FROM causal_score c JOIN steering_outcome o ON o.id = c.outcome_id"
        + " WHERE " + column + " = ? ORDER BY c.method, c.sign DESC, c.target", id)) {
      ObjectNode n = out.addObject();
      n.put("method", (String) s.get("method"));
      n.put("target", (Double) s.get("target"));
      n.put("sign", ((Number) s.get("sign")).intValue() > 0 ? "+" : "-");
      n.put("alpha", (Double) s.get("alpha"));
      n.put("kl", (Double) s.get("kl"));
      n.put("status", (String) s.get("status"));
      n.put("steeringRunId", ((Number) s.get("run_id")).longValue());
      n.set("scores", json.readTree((String) s.get("scores")));
    }
    return out;
  }

  private ObjectNode summary(Map<String, Object> r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", ((Number) r.get("id")).longValue());
    node.put("jobId", r.get("job_id") == null ? null : ((Number) r.get("job_id")).longValue());
    node.put("modelId", ((Number) r.get("model_id")).longValue());
    node.put("featureId", r.get("feature_id") == null ? null : ((Number) r.get("feature_id")).longValue());
    node.put("layer", ((Number) r.get("layer")).intValue());
    node.put("hook", "blocks." + r.get("layer") + "." + r.get("hook"));
    node.put("vectorSetId", r.get("vector_set_id") == null ? null : ((Number) r.get("vector_set_id")).longValue());
    node.put("vectorIndex", r.get("vector_index") == null ? null : ((Number) r.get("vector_index")).intValue());
    ArrayNode prompts = node.putArray("prompts");
    try {
      for (Object p : (Object[]) ((java.sql.Array) r.get("prompts")).getArray()) {
        prompts.add((String) p);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    node.put("createdAt", r.get("created_at").toString());
    return node;
  }

  private ArrayNode shifts(List<LogitShift.TokenShift> shifts) {
    ArrayNode out = json.createArrayNode();
    for (LogitShift.TokenShift s : shifts) {
      out.addObject().put("tokenId", s.tokenId()).put("token", SqlValues.text(s.text())).put("delta", s.delta());
    }
    return out;
  }

  private ArrayNode generations(List<Generation> generations) {
    ArrayNode out = json.createArrayNode();
    for (Generation g : generations) {
      ObjectNode n = out.addObject().put("prompt", g.promptIndex()).put("sample", g.sample()).put("seed", g.seed())
          .put("text", SqlValues.text(g.text()));
      ArrayNode tokens = n.putArray("tokens");
      for (int t : g.tokens()) {
        tokens.add(t);
      }
    }
    return out;
  }
}
