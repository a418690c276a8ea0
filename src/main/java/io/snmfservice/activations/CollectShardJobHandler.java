package io.snmfservice.activations;

import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.ModelRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

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

  CollectShardJobHandler(ModelRuntime runtime, ActivationSetService sets, ShardedCollection sharded) {
    this.runtime = runtime;
    this.sets = sets;
    this.sharded = sharded;
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
    JsonNode p = job.params();
    List<Integer> layers = new ArrayList<>();
    p.get("layers").forEach(l -> layers.add(l.asInt()));
    int shard = p.get("shard").asInt();
    ActivationCollector.Slice slice = new ActivationCollector.Slice(shard, p.get("shards").asInt());
    Path collection = sharded.directory(job.parentId());
    try (ModelRuntime.Lease model = runtime.acquireFor(job, p.get("modelId").asLong(), 0.05)) {
      ActivationCollector.Collected collected = sets.record(job, model.get(), p.get("datasetId").asLong(), layers,
          p.get("hook").asString(), p.get("contextLength").asInt(), p.get("batchSize").asInt(), 0.05, 1.0, slice,
          collection.resolve("shard-" + shard));
      return JobResult.of(sharded.describe(collected, collection, shard));
    }
  }
}
