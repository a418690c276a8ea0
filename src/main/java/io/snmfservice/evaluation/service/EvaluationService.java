package io.snmfservice.evaluation.service;

import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelService;
import io.snmfservice.steering.service.SteeringService;
import io.snmfservice.steering.service.SteeringTarget;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.service.MemberRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Validates and queues concept-detection evaluations and reads their stored results. */
@Service
public class EvaluationService {

  private final ModelService models;
  private final SteeringService steering;
  private final JobService jobs;
  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  public EvaluationService(ModelService models, SteeringService steering, JobService jobs, JdbcTemplate jdbc,
      JsonMapper json) {
    this.models = models;
    this.steering = steering;
    this.jobs = jobs;
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Queues an {@code evaluate} job with the candidates' vectors resolved now (404/422 before any job exists). */
  public Job submit(EvaluationRequest r, String idempotencyKey) {
    Model model = models.get(r.modelId());
    if (model.getNLayers() != null && r.layer() >= model.getNLayers()) {
      throw Invalid.value("layer " + r.layer() + " is out of range: model " + model.getId()
          + " has layers 0.." + (model.getNLayers() - 1));
    }
    HookPoint.Kind hook = r.hook() == null ? HookPoint.Kind.MLP_POST : HookPoint.Kind.ofSuffix(r.hook());
    if (hook == null) {
      throw Invalid.value("hook", "hook must be one of mlp.hook_post, hook_resid_pre, hook_mlp_out,"
          + " hook_resid_post; got '" + r.hook() + "'");
    }
    String hookName = new HookPoint(r.layer(), hook).name();
    List<EvaluationSettings.Candidate> candidates = new ArrayList<>();
    for (Long id : r.featureIds() == null ? List.<Long>of() : r.featureIds()) {
      var target = steering.targets(model, r.layer(), List.of(id), null).get(0);
      requireHook(target, hookName, "feature " + id);
      candidates.add(new EvaluationSettings.Candidate("snmf", "feature-" + id, target.vector()));
    }
    for (MemberRef ref : r.members() == null ? List.<MemberRef>of() : r.members()) {
      var target = steering.member(model, ref);
      requireHook(target, hookName, "vector set " + ref.vectorSetId() + " member " + ref.index());
      candidates.add(new EvaluationSettings.Candidate("vector-set-" + ref.vectorSetId(), "member-" + ref.index(),
          target.vector()));
    }
    for (EvaluationRequest.NamedVector v : r.vectors() == null ? List.<EvaluationRequest.NamedVector>of() : r.vectors()) {
      Integer width = hook == HookPoint.Kind.MLP_POST ? model.getDMlp() : model.getDModel();
      if (width != null && v.vector().length != width) {
        throw Invalid.value("vectors", "vectors must have " + width + " entries at " + hookName + ", got "
            + v.vector().length);
      }
      candidates.add(new EvaluationSettings.Candidate("vector", v.name(), v.vector()));
    }
    EvaluationSettings settings = new EvaluationSettings(r.modelId(), r.layer(), hookName, r.concepts(), candidates);
    return jobs.submit(EvaluationJobHandler.TYPE, settings.toJson(json), 0, idempotencyKey);
  }

  public JsonNode get(long id) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, job_id, model_id, layer, results::text AS results,"
        + " settings::text AS settings, created_at FROM evaluation WHERE id = ?", id);
    if (rows.isEmpty()) {
      throw new NotFound("evaluation", id);
    }
    Map<String, Object> r = rows.get(0);
    ObjectNode node = summary(r);
    node.put("hook", json.readTree((String) r.get("settings")).path("hook").asString(
        HookPoint.mlpPost(((Number) r.get("layer")).intValue())));
    JsonNode results = json.readTree((String) r.get("results"));
    node.set("rows", results.get("rows"));
    node.set("diffMeans", results.get("diffMeans"));
    return node;
  }

  public long count() {
    return jdbc.queryForObject("SELECT count(*) FROM evaluation", Long.class);
  }

  /** Deletes an evaluation; vector sets made from its DiffMeans vectors keep their vectors. 404 if it is missing. */
  public void delete(long id) {
    if (jdbc.update("DELETE FROM evaluation WHERE id = ?", id) == 0) {
      throw new NotFound("evaluation", id);
    }
  }

  /** Evaluations newest first, without their results. */
  public List<JsonNode> list(int offset, int limit) {
    return jdbc.queryForList("SELECT id, job_id, model_id, layer, created_at FROM evaluation ORDER BY id DESC"
        + " OFFSET ? LIMIT ?", offset, limit).stream().map(r -> (JsonNode) summary(r)).toList();
  }

  private ObjectNode summary(Map<String, Object> r) {
    return json.createObjectNode().put("id", ((Number) r.get("id")).longValue())
        .put("jobId", r.get("job_id") == null ? null : ((Number) r.get("job_id")).longValue())
        .put("modelId", ((Number) r.get("model_id")).longValue()).put("layer", ((Number) r.get("layer")).intValue())
        .put("createdAt", r.get("created_at").toString());
  }

  private static void requireHook(SteeringTarget target, String hookName, String what) {
    String at = new HookPoint(target.layer(), target.hook()).name();
    if (!at.equals(hookName)) {
      throw Invalid.value(what + " lives at " + at + ", not at the evaluated " + hookName);
    }
  }
}
