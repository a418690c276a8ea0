package io.snmfservice.activations;

import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.ModelRuntime;
import java.nio.file.Path;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job type {@code collect-shard}: records one shard (a contiguous range of forward-pass batches, so of documents)
 * of a sharded collection into {@code job-<parent>/shard-<k>/}, and describes its files (token range, bytes,
 * SHA-256) in its result. The parent job (a collection or factorization) assembles the shards when all are done.
 */
@Component
class CollectShardJobHandler implements JobHandler {

  static final String TYPE = "collect-shard";

  private final ModelRuntime runtime;
  private final ActivationSetService sets;
  private final ShardedCollection sharded;
  private final JsonMapper json;

  CollectShardJobHandler(ModelRuntime runtime, ActivationSetService sets, ShardedCollection sharded,
      JsonMapper json) {
    this.runtime = runtime;
    this.sets = sets;
    this.sharded = sharded;
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    if (job.parentId() == null) {
      throw new JobFailedException("a collect-shard job runs only as part of a sharded collection");
    }
    CollectShardSettings s = CollectShardSettings.fromJson(json, job.params());
    Path collection = sharded.directory(job.parentId());
    try (ModelRuntime.Lease model = runtime.acquireFor(job, s.modelId(), 0.05)) {
      ActivationCollector.Collected collected = sets.record(job, model.get(), s.datasetId(), s.layers(), s.hook(),
          s.contextLength(), s.batchSize(), 0.05, 1.0, s.slice(), collection.resolve("shard-" + s.shard()));
      return JobResult.of(sharded.describe(collected, collection, s.shard()));
    }
  }
}
