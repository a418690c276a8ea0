package io.snmfservice.activations;

import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.ModelRuntime;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Job type {@code collect}: records a model's activations over a dataset at the requested layers. */
@Component
class CollectJobHandler implements JobHandler {

  static final String TYPE = "collect";

  private final ModelRuntime runtime;
  private final ActivationSetService sets;
  private final ShardedCollection sharded;
  private final JsonMapper json;

  CollectJobHandler(ModelRuntime runtime, ActivationSetService sets, ShardedCollection sharded, JsonMapper json) {
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
    CollectionSettings s = CollectionSettings.fromJson(json, job.params());
    if (!job.children().isEmpty()) {
      // a sharded collection runs once its shards are done: only the assembly is left
      return result(sharded.assemble(job, s.modelId(), s.datasetId(), s.layers(), s.hook(), s.contextLength(), 0.99),
          job.children().size());
    }
    try (ModelRuntime.Lease model = runtime.acquireFor(job, s.modelId(), 0.05)) {
      return result(sets.prepare(job, model.get(), s.datasetId(), s.layers(), s.hook(), s.contextLength(),
          s.batchSize(), 0.05, 1.0), 1);
    }
  }

  private JobResult result(ActivationSetService.Prepared prepared, int shards) {
    return new JobResult(() -> {
      Map<Integer, Long> ids = sets.register(prepared);
      ObjectNode summary = json.createObjectNode();
      ObjectNode byLayer = summary.putObject("activationSets");
      ids.forEach((layer, id) -> byLayer.put(Integer.toString(layer), id));
      prepared.recorded().values().stream().findFirst().ifPresent(s -> summary.put("tokens", s.getNTokens()));
      summary.put("reusedLayers", prepared.reused().size());
      summary.put("shards", shards);
      summary.put("resumedAfterBatch", prepared.resumedAfterBatch());
      return summary;
    });
  }
}
