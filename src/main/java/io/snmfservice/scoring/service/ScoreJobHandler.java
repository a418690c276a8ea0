package io.snmfservice.scoring.service;

import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.ModelRuntime;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job type {@code score}: core metrics (docs/metrics.md) of a factorization level — in-sample on the documents it
 * was factorized from, held-out on the given dataset — or of an SAE vector set on the given dataset. Results are
 * written in the job's completion transaction.
 */
@Component
class ScoreJobHandler implements JobHandler {

  static final String TYPE = "score";

  private final ModelRuntime runtime;
  private final ScoreStore store;
  private final CoreMetricsRunner runner;
  private final JsonMapper json;

  ScoreJobHandler(ModelRuntime runtime, ScoreStore store, CoreMetricsRunner runner, JsonMapper json) {
    this.runtime = runtime;
    this.store = store;
    this.runner = runner;
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    ScoreSettings s = ScoreSettings.fromJson(json, job.params());
    ObjectNode results;
    try (ModelRuntime.Lease lease = runtime.acquireFor(job, s.modelId(), 0)) {
      results = runner.score(job.params(), lease.get(), job::report);
    }
    return new JobResult(() -> {
      long id = store.insert(job.jobId(), s, results);
      return json.createObjectNode().put("scoreId", id);
    });
  }
}
