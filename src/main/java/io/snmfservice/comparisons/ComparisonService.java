package io.snmfservice.comparisons;

import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelService;
import io.snmfservice.scoring.service.ScoreRequest;
import io.snmfservice.scoring.service.ScoreService;
import io.snmfservice.steering.AlphaSearch;
import io.snmfservice.steering.BasePrompts;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.service.VectorSetService;
import io.snmfservice.vectors.service.VectorSetView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Validates a comparison request against the stored model, factorizations and vector sets, then queues the job. */
@Service
class ComparisonService {

  private final ModelService models;
  private final VectorSetService vectorSets;
  private final JobService jobs;
  private final JdbcTemplate jdbc;
  private final ScoreService scores;
  private final JsonMapper json;

  ComparisonService(ModelService models, VectorSetService vectorSets, JobService jobs, JdbcTemplate jdbc,
      ScoreService scores, JsonMapper json) {
    this.scores = scores;
    this.models = models;
    this.vectorSets = vectorSets;
    this.jobs = jobs;
    this.jdbc = jdbc;
    this.json = json;
  }

  Job submit(ComparisonRequest r, String idempotencyKey) {
    Model model = models.get(r.modelId());
    Set<String> conceptNames = new HashSet<>();
    for (ComparisonRequest.Concept c : r.concepts()) {
      if (!conceptNames.add(c.name())) {
        throw Invalid.value("concept names must be unique; '" + c.name() + "' repeats");
      }
    }
    List<ComparisonSettings.Method> methods = new ArrayList<>();
    Set<String> methodNames = new HashSet<>();
    for (ComparisonRequest.Method m : r.methods()) {
      if (!methodNames.add(m.name())) {
        throw Invalid.value("method names must be unique; '" + m.name() + "' repeats");
      }
      methods.add(method(model, m));
    }
    ComparisonSettings settings = new ComparisonSettings(r.modelId(), r.concepts(), methods, steering(
        r.steering() == null
            ? new ComparisonRequest.Steering(null, null, null, null, null, null, null, null, null, null, null, null)
            : r.steering()), probing(r.probing()), coreMetrics(r.coreMetrics(), methods));
    return jobs.submit(ComparisonJobHandler.TYPE, settings.toJson(json), 0, idempotencyKey);
  }

  private ComparisonSettings.Method method(Model model, ComparisonRequest.Method m) {
    int given = (m.factorizationId() == null ? 0 : 1) + (m.vectorSetId() == null ? 0 : 1)
        + (Boolean.TRUE.equals(m.diffMeans()) ? 1 : 0);
    if (given != 1) {
      throw Invalid.value("method '" + m.name() + "' needs exactly one of factorizationId, vectorSetId"
          + " and diffMeans: true");
    }
    if (m.factorizationId() != null) {
      List<Map<String, Object>> rows = jdbc.queryForList("SELECT model_id, layer, hook FROM factorization WHERE id = ?",
          m.factorizationId());
      if (rows.isEmpty()) {
        throw new NotFound("factorization", m.factorizationId());
      }
      requireModel(model, ((Number) rows.get(0).get("model_id")).longValue(), "factorization " + m.factorizationId());
      int level = m.level() == null ? 0 : m.level();
      long features = jdbc.queryForObject("SELECT count(*) FROM feature WHERE factorization_id = ? AND level = ?",
          Long.class, m.factorizationId(), level);
      if (features == 0) {
        throw Invalid.value("factorization " + m.factorizationId() + " has no features at level " + level);
      }
      int layer = ((Number) rows.get(0).get("layer")).intValue();
      return ComparisonSettings.Method.factorization(m.name(), m.factorizationId(), level,
          "blocks." + layer + "." + rows.get(0).get("hook"));
    }
    if (m.vectorSetId() != null) {
      VectorSetView set = vectorSets.get(m.vectorSetId());
      requireModel(model, set.modelId(), "vector set " + set.id());
      return ComparisonSettings.Method.vectorSet(m.name(), set.id(), set.hook());
    }
    if (m.layer() == null) {
      throw Invalid.malformed("method '" + m.name() + "': layer is required with diffMeans");
    }
    HookPoint.Kind kind = m.hook() == null ? HookPoint.Kind.MLP_POST : HookPoint.Kind.ofSuffix(m.hook());
    if (kind == null) {
      throw Invalid.value("method '" + m.name() + "': hook must be one of mlp.hook_post, hook_resid_pre,"
          + " hook_mlp_out, hook_resid_post");
    }
    if (model.getNLayers() != null && m.layer() >= model.getNLayers()) {
      throw Invalid.value("method '" + m.name() + "': layer " + m.layer() + " is out of range: model "
          + model.getId() + " has layers 0.." + (model.getNLayers() - 1));
    }
    return ComparisonSettings.Method.diffMeans(m.name(), new HookPoint(m.layer(), kind).name());
  }

  private static void requireModel(Model model, long owner, String what) {
    if (owner != model.getId()) {
      throw Invalid.value(what + " belongs to model " + owner + ", not to model " + model.getId());
    }
  }

  private static ComparisonSettings.Probing probing(ComparisonRequest.Probing p) {
    if (p != null && Boolean.FALSE.equals(p.enabled())) {
      return null;
    }
    List<Integer> ks = p == null || p.ks() == null || p.ks().isEmpty() ? List.of(1, 2, 5)
        : p.ks().stream().distinct().sorted().toList();
    List<Integer> budgets = p == null || p.budgets() == null || p.budgets().isEmpty() ? List.of(16, 64, 256)
        : p.budgets().stream().distinct().sorted().toList();
    return new ComparisonSettings.Probing(ks, budgets, p == null || p.draws() == null ? 5 : p.draws(),
        p == null || p.seed() == null ? 0L : p.seed());
  }

  /** Score settings per method that can reconstruct: factorization levels and vector sets with an encoder. */
  private Map<String, JsonNode> coreMetrics(ComparisonRequest.CoreMetrics c, List<ComparisonSettings.Method> methods) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (c == null) {
      return out;
    }
    for (ComparisonSettings.Method m : methods) {
      ScoreRequest request;
      if (m.kind().equals(ComparisonSettings.FACTORIZATION)) {
        request = new ScoreRequest(m.factorizationId(), m.level(), null, c.datasetId(), null, c.maxDocuments(),
            c.contextLength(), null, null);
      } else if (m.kind().equals(ComparisonSettings.VECTOR_SET) && vectorSets.get(m.vectorSetId()).encodable()) {
        request = new ScoreRequest(null, null, m.vectorSetId(), c.datasetId(), null, c.maxDocuments(),
            c.contextLength(), null, null);
      } else {
        continue;
      }
      try {
        out.put(m.name(), scores.settingsFor(request));
      } catch (Invalid e) {
        throw Invalid.value("coreMetrics", "method '" + m.name() + "': " + e.getMessage());
      }
    }
    return out;
  }

  private static ComparisonSettings.Steering steering(ComparisonRequest.Steering s) {
    List<Double> kl = Boolean.FALSE.equals(s.enabled()) ? List.of()
        : s.klTargets() == null || s.klTargets().isEmpty() ? AlphaSearch.DEFAULT_TARGETS : s.klTargets();
    for (double t : kl) {
      if (!(t > 0) || Double.isInfinite(t)) {
        throw Invalid.value("steering.klTargets", "steering.klTargets must be finite and > 0, got " + t);
      }
    }
    List<String> signs = s.signs() == null || s.signs().isEmpty() ? List.of("+", "-") : s.signs();
    if (!signs.stream().allMatch(x -> x.equals("+") || x.equals("-"))) {
      throw Invalid.value("steering.signs", "steering.signs must be \"+\" and/or \"-\"");
    }
    List<Double> range = s.alphaRange() == null || s.alphaRange().isEmpty() ? List.of(1.0, 2000.0) : s.alphaRange();
    if (!(range.get(0) > 0) || !(range.get(1) > range.get(0)) || range.get(1) > 1e6) {
      throw Invalid.value("steering.alphaRange", "steering.alphaRange must be [lo, hi] with 0 < lo < hi <= 1e6");
    }
    double tolerance = s.tolerance() == null ? 0.05 : s.tolerance();
    double topP = s.topP() == null ? 0.3 : s.topP();
    double temperature = s.temperature() == null ? 1.0 : s.temperature();
    if (!(tolerance > 0 && tolerance < 1) || !(topP > 0 && topP <= 1) || !(temperature >= 0 && temperature <= 10)) {
      throw Invalid.value("steering.tolerance",
          "steering.tolerance must be in (0, 1), topP in (0, 1], temperature in [0, 10]");
    }
    return new ComparisonSettings.Steering(List.copyOf(kl), List.copyOf(signs),
        s.prompts() == null || s.prompts().isEmpty() ? List.of(BasePrompts.DEFAULT) : List.copyOf(s.prompts()),
        List.of(range.get(0), range.get(1)), tolerance, topP, temperature,
        s.generations() == null ? 8 : s.generations(), s.newTokens() == null ? 50 : s.newTokens(),
        s.topK() == null ? 30 : s.topK(), s.seed() == null ? 0L : s.seed());
  }
}
