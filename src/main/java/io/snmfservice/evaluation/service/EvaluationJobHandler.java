package io.snmfservice.evaluation.service;

import io.snmfservice.evaluation.ComparisonRow;
import io.snmfservice.evaluation.ConceptComparison;
import io.snmfservice.evaluation.SentenceActivations;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobParams;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.transformer.HookPoint;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job type {@code evaluate}: DiffMeans vectors and concept detection. Sentences alternate between the fitting half
 * (even positions) and the scoring half (odd positions), so DiffMeans is never scored on the sentences it was
 * fitted on.
 */
@Component
class EvaluationJobHandler implements JobHandler {

  static final String TYPE = "evaluate";

  private final ModelRuntime runtime;
  private final JdbcTemplate jdbc;
  private final JsonMapper json;

  EvaluationJobHandler(ModelRuntime runtime, JdbcTemplate jdbc, JsonMapper json) {
    this.runtime = runtime;
    this.jdbc = jdbc;
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    JsonNode p = job.params();
    int layer = p.get("layer").asInt();
    String hook = p.has("hook") ? p.get("hook").asString() : HookPoint.mlpPost(layer);
    List<ConceptComparison.Candidate> candidates = new ArrayList<>();
    p.get("candidates").forEach(c -> candidates.add(
        new ConceptComparison.Candidate(c.get("method").asString(), c.get("id").asString(), JobParams.floats(c.get("vector")))));
    ObjectNode results = json.createObjectNode();
    ArrayNode table = results.putArray("rows");
    ArrayNode diffMeans = results.putArray("diffMeans");
    try (ModelRuntime.Lease lease = runtime.acquireFor(job, p.get("modelId").asLong(), 0)) {
      LoadedModel model = lease.get();
      int count = p.get("concepts").size();
      for (int i = 0; i < count; i++) {
        JsonNode concept = p.get("concepts").get(i);
        String name = concept.get("name").asString();
        job.report("activations", (double) i / count, "concept '" + name + "'");
        List<float[][]> with = SentenceActivations.read(model.transformer(), model.tokenizer(), hook,
            strings(concept.get("sentences")));
        List<float[][]> without = SentenceActivations.read(model.transformer(), model.tokenizer(), hook,
            strings(concept.get("neutral")));
        ConceptComparison.Comparison comparison = ConceptComparison.compare(name,
            new ConceptComparison.LabelledActivations(half(with, 0), half(without, 0)),
            new ConceptComparison.LabelledActivations(half(with, 1), half(without, 1)), candidates);
        JobParams.addAll(diffMeans.addObject().put("concept", name).putArray("vector"), comparison.diffMeans());
        for (ComparisonRow row : comparison.rows()) {
          table.add(json.valueToTree(row));
        }
      }
    }
    return new JobResult(() -> {
      long id = jdbc.queryForObject("INSERT INTO evaluation (job_id, model_id, layer, settings, results)"
              + " VALUES (?, ?, ?, ?::jsonb, ?::jsonb) RETURNING id", Long.class, job.jobId(),
          p.get("modelId").asLong(), layer, json.writeValueAsString(p), json.writeValueAsString(results));
      return json.createObjectNode().put("evaluationId", id).put("rows", table.size());
    });
  }

  private static <T> List<T> half(List<T> all, int parity) {
    List<T> out = new ArrayList<>();
    for (int i = parity; i < all.size(); i += 2) {
      out.add(all.get(i));
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(s -> out.add(s.asString()));
    return out;
  }
}
