package io.snmfservice.steering.service;

import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelService;
import io.snmfservice.steering.AlphaSearch;
import io.snmfservice.steering.BasePrompts;
import io.snmfservice.storage.SqlValues;
import io.snmfservice.vectors.service.MemberRef;
import io.snmfservice.vectors.service.VectorSetMember;
import io.snmfservice.vectors.service.VectorSetService;
import io.snmfservice.vectors.service.VectorSetView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Validates steering requests before a job exists and resolves features to their directions. */
@Service
public class SteeringService {

  private final ModelService models;
  private final JobService jobs;
  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final VectorSetService vectorSets;

  public SteeringService(ModelService models, JobService jobs, JdbcTemplate jdbc, JsonMapper json,
      VectorSetService vectorSets) {
    this.vectorSets = vectorSets;
    this.models = models;
    this.jobs = jobs;
    this.jdbc = jdbc;
    this.json = json;
  }

  public Job submit(SteeringRequest r, String idempotencyKey) {
    Model model = models.get(r.modelId());
    List<SteeringTarget> targets = targets(model, r.layer(), r.featureIds(), r.vectors(), r.members());
    List<String> prompts = r.prompts() == null || r.prompts().isEmpty() ? List.of(BasePrompts.DEFAULT) : r.prompts();
    for (String p : prompts) {
      if (p == null || p.isBlank()) {
        throw Invalid.value("prompts", "prompts must not be empty");
      }
    }
    List<Double> kl = r.klTargets() == null ? AlphaSearch.DEFAULT_TARGETS : r.klTargets();
    for (double t : kl) {
      if (!(t > 0) || Double.isInfinite(t)) {
        throw Invalid.value("klTargets", "klTargets must be finite and > 0, got " + t);
      }
    }
    List<String> signs = r.signs() == null ? List.of("+", "-") : r.signs();
    if (!signs.stream().allMatch(s -> s.equals("+") || s.equals("-"))) {
      throw Invalid.value("signs", "signs must be \"+\" and/or \"-\"");
    }
    List<Double> range = r.alphaRange() == null ? List.of(1.0, 2000.0) : r.alphaRange();
    if (!(range.get(0) > 0) || !(range.get(1) > range.get(0)) || range.get(1) > 1e6) {
      throw Invalid.value("alphaRange", "alphaRange must be [lo, hi] with 0 < lo < hi <= 1e6");
    }
    double tolerance = r.tolerance() == null ? 0.05 : r.tolerance();
    if (!(tolerance > 0 && tolerance < 1)) {
      throw Invalid.value("tolerance", "tolerance must be in (0, 1)");
    }
    double topP = r.topP() == null ? 0.3 : r.topP();
    double temperature = r.temperature() == null ? 1.0 : r.temperature();
    if (!(topP > 0 && topP <= 1) || !(temperature >= 0 && temperature <= 10)) {
      throw Invalid.value("topP", "topP must be in (0, 1] and temperature in [0, 10]");
    }
    SteeringJobSettings settings = new SteeringJobSettings(r.modelId(),
        targets.stream().map(SteeringJobSettings.Target::of).toList(), prompts, kl, signs, range, tolerance,
        r.generations() == null ? 8 : r.generations(), r.newTokens() == null ? 50 : r.newTokens(),
        r.topK() == null ? 30 : r.topK(), topP, temperature, r.seed() == null ? 0L : r.seed());
    return jobs.submit(SteeringJobHandler.TYPE, settings.toJson(json), 0, idempotencyKey);
  }

  /** The vectors of a request: stored features (404 if unknown) and raw vectors of the model's d_mlp. */
  public List<SteeringTarget> targets(Model model, Integer layer, List<Long> featureIds, List<float[]> vectors) {
    return targets(model, layer, featureIds, vectors, null);
  }

  /** As above, plus vector-set members (404 if unknown, 422 if the set belongs to another model). */
  public List<SteeringTarget> targets(Model model, Integer layer, List<Long> featureIds, List<float[]> vectors,
      List<MemberRef> members) {
    List<SteeringTarget> out = new ArrayList<>();
    for (MemberRef ref : members == null ? List.<MemberRef>of() : members) {
      out.add(member(model, ref));
    }
    for (Long id : featureIds == null ? List.<Long>of() : featureIds) {
      out.add(feature(model, layer, id));
    }
    if (vectors != null && !vectors.isEmpty()) {
      if (layer == null) {
        throw Invalid.missing("layer", "layer is required with raw vectors");
      }
      requireLayer(model, layer);
      for (float[] v : vectors) {
        if (model.getDMlp() != null && v.length != model.getDMlp()) {
          throw Invalid.value("vectors", "vectors must have d_mlp = " + model.getDMlp() + " entries, got " + v.length);
        }
        out.add(new SteeringTarget(null, layer, v));
      }
    }
    if (out.isEmpty()) {
      throw Invalid.malformed("give featureIds, members or vectors to steer with");
    }
    return out;
  }

  public SteeringTarget feature(Model model, Integer layer, long featureId) {
    List<Map<String, Object>> rows = jdbc.queryForList("SELECT f.direction, z.model_id, z.layer, z.hook FROM feature f"
        + " JOIN factorization z ON z.id = f.factorization_id WHERE f.id = ?", featureId);
    if (rows.isEmpty()) {
      throw new NotFound("feature", featureId);
    }
    Map<String, Object> row = rows.get(0);
    if (((Number) row.get("model_id")).longValue() != model.getId()) {
      throw Invalid.value("feature " + featureId + " belongs to model " + row.get("model_id")
          + ", not to model " + model.getId());
    }
    HookPoint.Kind hook = HookPoint.Kind.ofSuffix((String) row.get("hook"));
    if (hook == null) {
      throw Invalid.value("feature " + featureId + " lives at hook " + row.get("hook") + " and cannot steer");
    }
    int featureLayer = ((Number) row.get("layer")).intValue();
    if (layer != null && layer != featureLayer) {
      throw Invalid.value("feature " + featureId + " lives at layer " + featureLayer + ", not " + layer);
    }
    return new SteeringTarget(featureId, featureLayer, SqlValues.floats((java.sql.Array) row.get("direction")), hook,
        null, null);
  }

  /** A vector-set member as a steering target at its set's hook point. */
  public SteeringTarget member(Model model, MemberRef ref) {
    VectorSetView set = vectorSets.get(ref.vectorSetId());
    if (set.modelId() != model.getId()) {
      throw Invalid.value("vector set " + set.id() + " belongs to model " + set.modelId()
          + ", not to model " + model.getId());
    }
    VectorSetMember m = vectorSets.member(ref.vectorSetId(), ref.index());
    if (m.norm() == 0) {
      throw Invalid.value("vector set " + set.id() + " member " + ref.index() + " is zero and cannot steer");
    }
    return new SteeringTarget(m.featureId(), m.layer(), m.vector(), m.hook(), m.vectorSetId(), m.index());
  }

  float[] direction(long featureId) {
    return SqlValues.floats(jdbc.queryForObject("SELECT direction FROM feature WHERE id = ?", java.sql.Array.class,
        featureId));
  }

  private static void requireLayer(Model model, int layer) {
    if (model.getNLayers() != null && layer >= model.getNLayers()) {
      throw Invalid.value(
          "layer " + layer + " is out of range: model " + model.getId() + " has layers 0.." + (model.getNLayers() - 1));
    }
  }
}
