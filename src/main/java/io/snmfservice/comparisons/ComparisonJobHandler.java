package io.snmfservice.comparisons;

import io.snmfservice.config.SnmfProperties;
import io.snmfservice.evaluation.CandidateScores;
import io.snmfservice.evaluation.ConceptDetection;
import io.snmfservice.evaluation.DiffMeans;
import io.snmfservice.evaluation.SentenceActivations;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.steering.JudgeClient;
import io.snmfservice.steering.JudgeScoring;
import io.snmfservice.steering.JudgeSettings;
import io.snmfservice.steering.JudgeSummary;
import io.snmfservice.steering.SteeringOutcome;
import io.snmfservice.steering.SteeringReport;
import io.snmfservice.steering.SteeringRunner;
import io.snmfservice.steering.SteeringSettings;
import io.snmfservice.steering.SteeringSign;
import io.snmfservice.steering.SteeringVector;
import io.snmfservice.storage.SqlValues;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.vectors.service.VectorSetMember;
import io.snmfservice.vectors.service.VectorSetService;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job type {@code compare}, the paper's protocol over several methods. Stages: {@code activations} (every sentence
 * at every hook a method needs), {@code detection} (per method and concept: the candidate with the best AUROC on the
 * training half — even-indexed sentences — and its AUROC and accuracy on the held-out half; DiffMeans is fitted on
 * the training half), {@code steering} (the chosen candidate steered at each KL target and sign with offline causal
 * scores, and judge scores when a judge is configured). Results are stored in one transaction.
 */
@Component
class ComparisonJobHandler implements JobHandler {

  static final String TYPE = "compare";
  private static final Logger log = LoggerFactory.getLogger(ComparisonJobHandler.class);

  private final ModelRuntime runtime;
  private final VectorSetService vectorSets;
  private final ComparisonStore store;
  private final JdbcTemplate jdbc;
  private final SnmfProperties.Judge judge;
  private final JsonMapper json;

  ComparisonJobHandler(ModelRuntime runtime, VectorSetService vectorSets, ComparisonStore store, JdbcTemplate jdbc,
      SnmfProperties properties, JsonMapper json) {
    this.runtime = runtime;
    this.vectorSets = vectorSets;
    this.store = store;
    this.jdbc = jdbc;
    this.judge = properties.judge();
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** A method's candidate directions. */
  private record Candidates(List<String> labels, List<float[]> vectors, List<Long> featureIds) {}

  @Override
  public JobResult run(JobContext job) {
    ComparisonSettings settings = ComparisonSettings.fromJson(json, job.params());
    List<ComparisonRequest.Concept> concepts = settings.concepts();
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    concepts.forEach(c -> {
      distinct.addAll(c.sentences());
      distinct.addAll(c.neutral());
    });
    List<String> sentences = new ArrayList<>(distinct);
    Map<String, Integer> sentenceIndex = new HashMap<>();
    for (int i = 0; i < sentences.size(); i++) {
      sentenceIndex.put(sentences.get(i), i);
    }
    LinkedHashSet<String> hooks = new LinkedHashSet<>();
    settings.methods().forEach(m -> hooks.add(m.hook()));

    try (ModelRuntime.Lease lease = runtime.acquireFor(job, settings.modelId(), 0)) {
      LoadedModel model = lease.get();
      long start = System.nanoTime();
      Map<String, List<float[][]>> activations = new HashMap<>();
      int h = 0;
      for (String hook : hooks) {
        job.report("activations", 0.2 * h++ / hooks.size(), sentences.size() + " sentences at " + hook);
        activations.put(hook, SentenceActivations.read(model.transformer(), model.tokenizer(), hook, sentences));
      }

      long detectionStart = System.nanoTime();
      List<ComparisonCell> cells = new ArrayList<>();
      int m = 0;
      for (ComparisonSettings.Method method : settings.methods()) {
        String name = method.name();
        String hook = method.hook();
        HookPoint point = HookPoint.parse(hook);
        List<float[][]> acts = activations.get(hook);
        job.report("detection", 0.2 + 0.1 * m++ / settings.methods().size(), "method '" + name + "'");
        boolean diffMeans = method.diffMeans();
        Candidates candidates = diffMeans ? null : candidates(method);
        double[][] scores = diffMeans ? null
            : CandidateScores.maxCosine(candidates.vectors().toArray(float[][]::new), acts);
        for (ComparisonRequest.Concept concept : concepts) {
          int[] trainPos = indices(concept.sentences(), 0, sentenceIndex);
          int[] trainNeg = indices(concept.neutral(), 0, sentenceIndex);
          List<float[][]> testPos = pick(acts, indices(concept.sentences(), 1, sentenceIndex));
          List<float[][]> testNeg = pick(acts, indices(concept.neutral(), 1, sentenceIndex));
          String label;
          int index;
          float[] vector;
          double trainAuroc;
          Long featureId = null;
          if (diffMeans) {
            vector = DiffMeans.direction(pick(acts, trainPos), pick(acts, trainNeg));
            trainAuroc = ConceptDetection.evaluate(vector, pick(acts, trainPos), pick(acts, trainNeg)).auroc();
            label = "diffmeans:" + concept.name();
            index = 0;
          } else {
            double[] best = CandidateScores.best(scores, trainPos, trainNeg);
            index = (int) best[0];
            trainAuroc = best[1];
            vector = candidates.vectors().get(index);
            label = candidates.labels().get(index);
            featureId = candidates.featureIds().get(index);
          }
          ConceptDetection.Result test = ConceptDetection.evaluate(vector, testPos, testNeg);
          cells.add(new ComparisonCell(name, concept.name(), label, index, diffMeans ? 1 : candidates.labels().size(),
              featureId, method.vectorSetId(), point.layer(), hook, vector, trainAuroc, test.auroc(), test.accuracy(),
              test.threshold(), json.createArrayNode()));
        }
      }

      long steeringStart = System.nanoTime();
      steer(job, settings.steering(), model, cells, concepts);
      log.info("Compared {} method(s) on {} concept(s) of model {}: activations {} s, detection {} s, steering {} s",
          settings.methods().size(), concepts.size(), settings.modelId(), seconds(start, detectionStart),
          seconds(detectionStart, steeringStart), seconds(steeringStart, System.nanoTime()));
      return new JobResult(() -> store.write(job.jobId(), settings, cells));
    }
  }

  /** Steers every cell's candidate (once per distinct candidate) and fills in its steering outcomes. */
  private void steer(JobContext job, ComparisonSettings.Steering steering, LoadedModel model,
      List<ComparisonCell> cells, List<ComparisonRequest.Concept> concepts) {
    SteeringSettings settings = steering.runnerSettings();
    if (settings == null) {
      return;
    }
    List<String> prompts = steering.prompts();
    SteeringRunner runner = new SteeringRunner(model.transformer(), model.tokenizer());
    JudgeClient client = judge.enabled() ? new JudgeClient(JudgeSettings.of(URI.create(judge.baseUrl()),
        judge.model(), judge.apiKey()).withTimeout(judge.timeout())) : null;
    Map<String, SteeringReport> reports = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      ComparisonCell cell = cells.get(i);
      int index = i;
      String key = cell.method() + "#" + cell.candidateIndex() + (cell.candidate().startsWith("diffmeans:")
          ? "#" + cell.concept() : "");
      SteeringReport report = reports.computeIfAbsent(key, k -> runner.run(
          SteeringVector.normalized(cell.layer(), HookPoint.parse(cell.hook()).kind(), cell.vector()), prompts,
          settings, (stage, done, total) -> job.report("steering",
              0.3 + 0.65 * (index + (double) done / Math.max(1, total)) / cells.size(),
              "cell " + (index + 1) + "/" + cells.size() + " (" + cell.method() + ", " + cell.concept() + ")")));
      List<JudgeSummary> judged = null;
      if (client != null) {
        ComparisonRequest.Concept concept = concepts.stream().filter(c -> c.name().equals(cell.concept())).findFirst()
            .orElseThrow();
        String description = concept.description() != null ? concept.description()
            : "text related to " + concept.name();
        job.report("judge", 0.3 + 0.65 * (index + 1.0) / cells.size(), "cell " + (index + 1) + "/" + cells.size());
        judged = JudgeScoring.score(client, description, report, (st, d, t) -> job.checkpoint());
      }
      List<SteeringOutcome> outcomes = report.outcomes();
      for (int o = 0; o < outcomes.size(); o++) {
        SteeringOutcome out = outcomes.get(o);
        ObjectNode node = cell.steering().addObject().put("target", out.alpha().target())
            .put("sign", out.sign() == SteeringSign.POSITIVE ? "+" : "-").put("alpha", out.alpha().alpha())
            .put("kl", out.alpha().kl()).put("status", out.alpha().status().name());
        node.set("offline", out.scores() == null ? null : json.valueToTree(out.scores()));
        JudgeSummary j = judged == null ? null : judged.get(o);
        node.set("judge", j == null ? null : json.createObjectNode().put("concept", j.meanConcept())
            .put("fluency", j.meanFluency()).put("harmonic", j.meanHarmonic()).put("failures", j.failures()));
        ArrayNode rising = node.putArray("rising");
        if (out.shifts() != null) {
          out.shifts().rising().stream().limit(10).forEach(t -> rising.add(SqlValues.text(t.text())));
        }
      }
    }
  }

  private Candidates candidates(ComparisonSettings.Method method) {
    List<String> labels = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    List<Long> featureIds = new ArrayList<>();
    if (method.kind().equals(ComparisonSettings.FACTORIZATION)) {
      jdbc.query("SELECT id, direction FROM feature WHERE factorization_id = ? AND level = ? ORDER BY index", rs -> {
        labels.add("feature-" + rs.getLong("id"));
        vectors.add(SqlValues.floats(rs.getArray("direction")));
        featureIds.add(rs.getLong("id"));
      }, method.factorizationId(), method.level());
    } else {
      for (VectorSetMember member : vectorSets.members(method.vectorSetId())) {
        labels.add(member.label());
        vectors.add(member.vector());
        featureIds.add(member.featureId());
      }
    }
    // a zero direction detects nothing and cannot steer: drop it from the candidates
    for (int i = vectors.size() - 1; i >= 0; i--) {
      boolean zero = true;
      for (float x : vectors.get(i)) {
        zero &= x == 0;
      }
      if (zero) {
        labels.remove(i);
        vectors.remove(i);
        featureIds.remove(i);
      }
    }
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException("method '" + method.name() + "' has no non-zero candidates");
    }
    return new Candidates(labels, vectors, featureIds);
  }

  /** Sentence indices (into the distinct list) of the entries at even (parity 0) or odd (parity 1) positions. */
  private static int[] indices(List<String> texts, int parity, Map<String, Integer> index) {
    List<Integer> out = new ArrayList<>();
    for (int i = parity; i < texts.size(); i += 2) {
      out.add(index.get(texts.get(i)));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<float[][]> pick(List<float[][]> all, int[] indices) {
    List<float[][]> out = new ArrayList<>();
    for (int i : indices) {
      out.add(all.get(i));
    }
    return out;
  }

  private static String seconds(long from, long to) {
    return String.format(java.util.Locale.ROOT, "%.1f", (to - from) / 1e9);
  }
}
