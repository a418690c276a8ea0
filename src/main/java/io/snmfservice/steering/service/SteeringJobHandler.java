package io.snmfservice.steering.service;

import io.snmfservice.config.SnmfProperties;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.steering.JudgeClient;
import io.snmfservice.steering.JudgeScoring;
import io.snmfservice.steering.JudgeSettings;
import io.snmfservice.steering.JudgeSummary;
import io.snmfservice.steering.SteeringReport;
import io.snmfservice.steering.SteeringRunner;
import io.snmfservice.steering.SteeringSettings;
import io.snmfservice.steering.SteeringVector;
import io.snmfservice.transformer.HookPoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job type {@code steer}: for every vector, KL-calibrated alpha per target and sign, logit shifts, generations and
 * offline causal scores (plus LLM-judge scores when a judge is configured), stored in one transaction.
 */
@Component
class SteeringJobHandler implements JobHandler {

  static final String TYPE = "steer";
  private static final Logger log = LoggerFactory.getLogger(SteeringJobHandler.class);

  private final ModelRuntime runtime;
  private final SteeringService steering;
  private final SteeringStore store;
  private final SnmfProperties.Judge judge;
  private final JsonMapper json;

  SteeringJobHandler(ModelRuntime runtime, SteeringService steering, SteeringStore store, SnmfProperties properties,
      JsonMapper json) {
    this.runtime = runtime;
    this.steering = steering;
    this.store = store;
    this.judge = properties.judge();
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** A steered vector and what came of it. */
  record Run(SteeringTarget target, SteeringReport report, List<JudgeSummary> judged) {}

  @Override
  public JobResult run(JobContext job) {
    SteeringJobSettings params = SteeringJobSettings.fromJson(json, job.params());
    SteeringSettings settings = params.runnerSettings();
    List<String> prompts = params.prompts();
    List<SteeringTarget> targets = params.targets().stream().map(this::target).toList();
    try (ModelRuntime.Lease lease = runtime.acquireFor(job, params.modelId(), 0)) {
      LoadedModel model = lease.get();
      SteeringRunner runner = new SteeringRunner(model.transformer(), model.tokenizer());
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < targets.size(); i++) {
        SteeringTarget target = targets.get(i);
        int index = i;
        SteeringVector.requireFits(model.transformer().config(), target.layer(), target.hook(), target.vector().length);
        SteeringReport report = runner.run(SteeringVector.normalized(target.layer(), target.hook(), target.vector()), prompts,
            settings, (stage, done, total) -> job.report(stage,
                (index + (total == 0 ? 0 : (double) done / total)) / targets.size(),
                "vector " + (index + 1) + "/" + targets.size() + ": " + done + "/" + total));
        runs.add(new Run(target, report, judge(target, report, model)));
      }
      log.info("Steered {} vector(s) on model {} at {} target(s) × {} sign(s)", targets.size(),
          params.modelId(), settings.targets().size(), settings.signs().size());
      return new JobResult(() -> store.write(job.jobId(), params.modelId(), prompts,
          params.withoutTargets(json), runs));
    }
  }

  /** A target from the job's parameters, a stored feature's direction read now. */
  private SteeringTarget target(SteeringJobSettings.Target t) {
    float[] vector = t.vector() != null ? t.vector() : steering.direction(t.featureId());
    return new SteeringTarget(t.featureId(), t.layer(), vector, t.hookKind(), t.vectorSetId(), t.index());
  }

  private List<JudgeSummary> judge(SteeringTarget target, SteeringReport report, LoadedModel model) {
    if (!judge.enabled()) {
      return null;
    }
    JudgeClient client = new JudgeClient(JudgeSettings.of(URI.create(judge.baseUrl()), judge.model(), judge.apiKey())
        .withTimeout(judge.timeout()));
    List<String> topTokens = new ArrayList<>();
    float[] logits = HookPoint.residual(target.hook())
        ? model.transformer().projectResidualDirectionToVocab(target.vector())
        : model.transformer().projectMlpDirectionToVocab(target.layer(), target.vector());
    Integer[] order = java.util.stream.IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
    for (int i = 0; i < Math.min(20, order.length); i++) {
      topTokens.add(model.tokenizer().tokenText(order[i]));
    }
    return JudgeScoring.score(client, JudgeClient.concept(null, topTokens), report, (s, d, t) -> { });
  }
}
