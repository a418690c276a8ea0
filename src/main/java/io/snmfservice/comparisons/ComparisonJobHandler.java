package io.snmfservice.comparisons;

import io.snmfservice.config.SnmfProperties;
import io.snmfservice.evaluation.BudgetCurve;
import io.snmfservice.evaluation.CandidateScores;
import io.snmfservice.evaluation.ConceptDetection;
import io.snmfservice.evaluation.DiffMeans;
import io.snmfservice.evaluation.PooledActivations;
import io.snmfservice.evaluation.SentenceActivations;
import io.snmfservice.evaluation.SparseProbing;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.scoring.service.CoreMetricsRunner;
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
import io.snmfservice.vectors.SaeEncoder;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job type {@code compare}, the paper's protocol over several methods plus SAEBench's measures. Stages:
 * {@code activations} (every sentence at every hook a method needs), {@code detection} (per method and concept: the
 * candidate with the best AUROC on the training half — even-indexed sentences — and its AUROC and accuracy on the
 * held-out half; DiffMeans is fitted on the training half; with it sparse probing at each k and the budget curves),
 * {@code probing} (the raw-activation reference), {@code core-metrics} (when a held-out dataset is given: each
 * method that can reconstruct, as the score job scores it), {@code steering} (the chosen candidate steered at each
 * KL target and sign with offline causal scores, and judge scores when a judge is configured). Results are stored
 * in one transaction.
 */
@Component
class ComparisonJobHandler implements JobHandler {

  static final String TYPE = "compare";
  /** Steered texts kept per outcome (prompt + continuation), for reading next to the scores. */
  private static final int GENERATIONS_SHOWN = 4;
  private static final Logger log = LoggerFactory.getLogger(ComparisonJobHandler.class);

  private final ModelRuntime runtime;
  private final VectorSetService vectorSets;
  private final ComparisonStore store;
  private final JdbcTemplate jdbc;
  private final SnmfProperties.Judge judge;
  private final CoreMetricsRunner coreMetrics;
  private final JsonMapper json;

  ComparisonJobHandler(ModelRuntime runtime, VectorSetService vectorSets, ComparisonStore store, JdbcTemplate jdbc,
      SnmfProperties properties, CoreMetricsRunner coreMetrics, JsonMapper json) {
    this.coreMetrics = coreMetrics;
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
  private record Candidates(List<String> labels, List<float[]> vectors, List<Long> featureIds,
      List<Integer> members) {}

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
        job.report("activations", 0.15 * h++ / hooks.size(), sentences.size() + " sentences at " + hook);
        activations.put(hook, SentenceActivations.read(model.transformer(), model.tokenizer(), hook, sentences));
      }

      long detectionStart = System.nanoTime();
      ComparisonSettings.Probing probing = settings.probing();
      List<ComparisonCell> cells = new ArrayList<>();
      int m = 0;
      for (ComparisonSettings.Method method : settings.methods()) {
        String name = method.name();
        String hook = method.hook();
        HookPoint point = HookPoint.parse(hook);
        List<float[][]> acts = activations.get(hook);
        job.report("detection", 0.15 + 0.15 * m++ / settings.methods().size(), "method '" + name + "'");
        boolean diffMeans = method.diffMeans();
        Candidates candidates = diffMeans ? null : candidates(method);
        double[][] scores = diffMeans ? null
            : CandidateScores.maxCosine(candidates.vectors().toArray(float[][]::new), acts);
        double[][] pooled = diffMeans || probing == null ? null : pooled(method, candidates, acts);
        for (ComparisonRequest.Concept concept : concepts) {
          BudgetCurve.Split split = split(concept, sentenceIndex);
          List<float[][]> testPos = pick(acts, split.testPos());
          List<float[][]> testNeg = pick(acts, split.testNeg());
          String label;
          int index;
          float[] vector;
          double trainAuroc;
          Long featureId = null;
          ArrayNode probes = null;
          ArrayNode budgets = null;
          if (diffMeans) {
            vector = DiffMeans.direction(pick(acts, split.trainPos()), pick(acts, split.trainNeg()));
            trainAuroc = ConceptDetection.evaluate(vector, pick(acts, split.trainPos()), pick(acts, split.trainNeg()))
                .auroc();
            label = "diffmeans:" + concept.name();
            index = 0;
            if (probing != null) {
              probes = probes(PooledActivations.projected(new float[][] {vector}, acts), split, probing.ks(),
                  List.of(label));
            }
          } else {
            double[] best = CandidateScores.best(scores, split.trainPos(), split.trainNeg());
            index = (int) best[0];
            trainAuroc = best[1];
            vector = candidates.vectors().get(index);
            label = candidates.labels().get(index);
            featureId = candidates.featureIds().get(index);
            if (probing != null) {
              probes = probes(pooled, split, probing.ks(), candidates.labels());
              budgets = budgets(scores, pooled, split, probing);
            }
          }
          ConceptDetection.Result test = ConceptDetection.evaluate(vector, testPos, testNeg);
          cells.add(new ComparisonCell(name, concept.name(), label, index, diffMeans ? 1 : candidates.labels().size(),
              featureId, method.vectorSetId(), point.layer(), hook, vector, trainAuroc, test.auroc(), test.accuracy(),
              test.threshold(), json.createArrayNode(), probes, budgets));
        }
      }
      ObjectNode reference = probing == null ? null : reference(job, activations, concepts, sentenceIndex, probing);

      long coreStart = System.nanoTime();
      ObjectNode coreMetrics = coreMetrics(job, settings, model);

      long steeringStart = System.nanoTime();
      steer(job, settings.steering(), model, cells, concepts, settings.coreMetrics().isEmpty() ? 0.3 : 0.5);
      log.info("Compared {} method(s) on {} concept(s) of model {}: activations {} s, detection and probing {} s,"
          + " core metrics {} s, steering {} s", settings.methods().size(), concepts.size(), settings.modelId(),
          seconds(start, detectionStart), seconds(detectionStart, coreStart), seconds(coreStart, steeringStart),
          seconds(steeringStart, System.nanoTime()));
      return new JobResult(() -> store.write(job.jobId(), settings, cells, reference, coreMetrics));
    }
  }

  /** Steers every cell's candidate (once per distinct candidate) and fills in its steering outcomes. */
  private void steer(JobContext job, ComparisonSettings.Steering steering, LoadedModel model,
      List<ComparisonCell> cells, List<ComparisonRequest.Concept> concepts, double from) {
    double span = 0.95 - from;
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
              from + span * (index + (double) done / Math.max(1, total)) / cells.size(),
              "cell " + (index + 1) + "/" + cells.size() + " (" + cell.method() + ", " + cell.concept() + ")")));
      List<JudgeSummary> judged = null;
      if (client != null) {
        ComparisonRequest.Concept concept = concepts.stream().filter(c -> c.name().equals(cell.concept())).findFirst()
            .orElseThrow();
        String description = concept.description() != null ? concept.description()
            : "text related to " + concept.name();
        job.report("judge", from + span * (index + 1.0) / cells.size(), "cell " + (index + 1) + "/" + cells.size());
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
            .put("fluency", j.meanFluency()).put("instruction", j.meanInstruction()).put("harmonic", j.meanHarmonic()).put("failures", j.failures()));
        ArrayNode rising = node.putArray("rising");
        if (out.shifts() != null) {
          out.shifts().rising().stream().limit(10).forEach(t -> rising.add(SqlValues.text(t.text())));
        }
        ArrayNode texts = node.putArray("generations");
        out.generations().stream().limit(GENERATIONS_SHOWN).forEach(g -> texts.add(SqlValues.text(
            report.prompts().get(g.promptIndex()) + g.text())));
      }
    }
  }

  private Candidates candidates(ComparisonSettings.Method method) {
    List<String> labels = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    List<Long> featureIds = new ArrayList<>();
    List<Integer> members = new ArrayList<>();
    if (method.kind().equals(ComparisonSettings.FACTORIZATION)) {
      jdbc.query("SELECT id, index, direction FROM feature WHERE factorization_id = ? AND level = ? ORDER BY index",
          rs -> {
            labels.add("feature-" + rs.getLong("id"));
            vectors.add(SqlValues.floats(rs.getArray("direction")));
            featureIds.add(rs.getLong("id"));
            members.add(rs.getInt("index"));
          }, method.factorizationId(), method.level());
    } else {
      for (VectorSetMember member : vectorSets.members(method.vectorSetId())) {
        labels.add(member.label());
        vectors.add(member.vector());
        featureIds.add(member.featureId());
        members.add(member.index());
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
        members.remove(i);
      }
    }
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException("method '" + method.name() + "' has no non-zero candidates");
    }
    return new Candidates(labels, vectors, featureIds, members);
  }

  /**
   * Each sentence's mean-pooled candidate activations for probing: an SAE's encoder latents where the vector set
   * has its encoder (SAEBench probes those), else the projection on each unit candidate direction.
   */
  private double[][] pooled(ComparisonSettings.Method method, Candidates candidates, List<float[][]> acts) {
    if (method.kind().equals(ComparisonSettings.VECTOR_SET) && vectorSets.get(method.vectorSetId()).encodable()) {
      SaeEncoder encoder = vectorSets.encoder(method.vectorSetId());
      double[][] latents = PooledActivations.encoded(acts, encoder::encode);
      double[][] out = new double[latents.length][candidates.members().size()];
      for (int s = 0; s < latents.length; s++) {
        for (int c = 0; c < out[s].length; c++) {
          out[s][c] = latents[s][candidates.members().get(c)];
        }
      }
      return out;
    }
    return PooledActivations.projected(candidates.vectors().toArray(float[][]::new), acts);
  }

  /** Probes at each k below the candidate count and on all candidates. */
  private ArrayNode probes(double[][] pooled, BudgetCurve.Split split, List<Integer> ks, List<String> labels) {
    ArrayNode out = json.createArrayNode();
    int all = pooled[0].length;
    List<Integer> sizes = new ArrayList<>(ks.stream().filter(k -> k < all).toList());
    sizes.add(all);
    for (int k : sizes) {
      SparseProbing.Result r = SparseProbing.probe(pooled, split.trainPos(), split.trainNeg(), split.testPos(),
          split.testNeg(), k);
      ObjectNode node = out.addObject().put("k", k).put("all", k == all)
          .put("trainAccuracy", r.trainAccuracy()).put("testAccuracy", r.testAccuracy())
          .put("testBalancedAccuracy", r.testBalancedAccuracy())
          .put("converged", r.converged());
      if (k < all) {
        ArrayNode chosen = node.putArray("chosen");
        for (int c : r.chosen()) {
          chosen.add(labels.get(c));
        }
      }
    }
    return out;
  }

  private ArrayNode budgets(double[][] scores, double[][] pooled, BudgetCurve.Split split,
      ComparisonSettings.Probing probing) {
    List<Integer> sizes = new ArrayList<>(probing.budgets().stream().filter(b -> b < pooled[0].length).toList());
    sizes.add(pooled[0].length);
    List<BudgetCurve.Point> curve = BudgetCurve.compute(scores, pooled, split,
        sizes.stream().mapToInt(Integer::intValue).toArray(), probing.draws(),
        probing.ks().stream().mapToInt(Integer::intValue).toArray(), probing.seed());
    ArrayNode out = json.createArrayNode();
    for (BudgetCurve.Point p : curve) {
      ObjectNode node = out.addObject().put("budget", p.budget()).put("draws", p.draws());
      node.set("auroc", json.valueToTree(p.auroc()));
      ObjectNode probes = node.putObject("probing");
      p.probing().forEach((k, spread) -> probes.set(String.valueOf(k), json.valueToTree(spread)));
    }
    return out;
  }

  /**
   * SAEBench's reference: the same probes on the raw hook activations (each of its d values a candidate), per hook
   * and concept; with k = all this is plain logistic regression on the mean-pooled activations.
   */
  private ObjectNode reference(JobContext job, Map<String, List<float[][]>> activations,
      List<ComparisonRequest.Concept> concepts, Map<String, Integer> sentenceIndex,
      ComparisonSettings.Probing probing) {
    ObjectNode out = json.createObjectNode();
    for (Map.Entry<String, List<float[][]>> e : activations.entrySet()) {
      job.report("probing", 0.3, "raw activations at " + e.getKey());
      double[][] raw = PooledActivations.raw(e.getValue());
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < raw[0].length; i++) {
        labels.add("dim-" + i);
      }
      ObjectNode hook = out.putObject(e.getKey());
      for (ComparisonRequest.Concept concept : concepts) {
        hook.set(concept.name(), probes(raw, split(concept, sentenceIndex), probing.ks(), labels));
      }
    }
    return out;
  }

  /** The core-metrics stage: each method that can reconstruct, scored as the score job scores it. */
  private ObjectNode coreMetrics(JobContext job, ComparisonSettings settings, LoadedModel model) {
    Map<String, JsonNode> runs = settings.coreMetrics();
    if (runs.isEmpty()) {
      return null;
    }
    ObjectNode out = json.createObjectNode();
    int i = 0;
    for (Map.Entry<String, JsonNode> run : runs.entrySet()) {
      int done = i++;
      String message = "method '" + run.getKey() + "'";
      out.set(run.getKey(), coreMetrics.score(run.getValue(), model, (stage, fraction, ignored) -> job.report(
          "core-metrics", 0.3 + 0.2 * (done + fraction) / runs.size(), message + " " + stage)));
    }
    return out;
  }

  private static BudgetCurve.Split split(ComparisonRequest.Concept concept, Map<String, Integer> sentenceIndex) {
    return new BudgetCurve.Split(indices(concept.sentences(), 0, sentenceIndex),
        indices(concept.neutral(), 0, sentenceIndex), indices(concept.sentences(), 1, sentenceIndex),
        indices(concept.neutral(), 1, sentenceIndex));
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
