package io.snmfservice.evaluation.service;

import io.snmfservice.evaluation.ComparisonRow;
import io.snmfservice.evaluation.ConceptComparison;
import io.snmfservice.evaluation.SentenceActivations;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.ModelRuntime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

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
    EvaluationSettings settings = EvaluationSettings.fromJson(json, job.params());
    List<ConceptComparison.Candidate> candidates = settings.candidates().stream()
        .map(EvaluationSettings.Candidate::forComparison).toList();
    List<ComparisonRow> rows = new ArrayList<>();
    List<DiffMeansVector> diffMeans = new ArrayList<>();
    try (ModelRuntime.Lease lease = runtime.acquireFor(job, settings.modelId(), 0)) {
      LoadedModel model = lease.get();
      List<EvaluationRequest.Concept> concepts = settings.concepts();
      for (int i = 0; i < concepts.size(); i++) {
        EvaluationRequest.Concept concept = concepts.get(i);
        job.report("activations", (double) i / concepts.size(), "concept '" + concept.name() + "'");
        List<float[][]> with = SentenceActivations.read(model.transformer(), model.tokenizer(), settings.hookName(),
            concept.sentences());
        List<float[][]> without = SentenceActivations.read(model.transformer(), model.tokenizer(), settings.hookName(),
            concept.neutral());
        ConceptComparison.Comparison comparison = ConceptComparison.compare(concept.name(),
            new ConceptComparison.LabelledActivations(half(with, 0), half(without, 0)),
            new ConceptComparison.LabelledActivations(half(with, 1), half(without, 1)), candidates);
        diffMeans.add(new DiffMeansVector(concept.name(), comparison.diffMeans()));
        rows.addAll(comparison.rows());
      }
    }
    return new JobResult(() -> {
      long id = jdbc.queryForObject("INSERT INTO evaluation (job_id, model_id, layer, settings, results)"
              + " VALUES (?, ?, ?, ?::jsonb, ?::jsonb) RETURNING id", Long.class, job.jobId(),
          settings.modelId(), settings.layer(), json.writeValueAsString(settings),
          json.writeValueAsString(new StoredResults(rows, diffMeans)));
      return json.valueToTree(new Outcome(id, rows.size()));
    });
  }

  /** An evaluation's stored results: the comparison table and each concept's DiffMeans vector. */
  private record StoredResults(List<ComparisonRow> rows, List<DiffMeansVector> diffMeans) {}

  private record DiffMeansVector(String concept, float[] vector) {}

  /** The job's result. */
  private record Outcome(long evaluationId, int rows) {}

  private static <T> List<T> half(List<T> all, int parity) {
    List<T> out = new ArrayList<>();
    for (int i = parity; i < all.size(); i += 2) {
      out.add(all.get(i));
    }
    return out;
  }
}
