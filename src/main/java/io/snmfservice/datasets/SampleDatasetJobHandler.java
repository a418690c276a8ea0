package io.snmfservice.datasets;

import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job type {@code sample-dataset}: a corpus sampled from a model (for models without a tokenizer, like
 * stories260K). Each sequence starts after BOS and has its own seed ({@code seed + i}), so results do not depend
 * on batching.
 */
@Component
class SampleDatasetJobHandler implements JobHandler {

  static final String TYPE = "sample-dataset";
  private static final int BATCH = 64;

  private final ModelRuntime runtime;
  private final DatasetService datasets;
  private final JsonMapper json;

  SampleDatasetJobHandler(ModelRuntime runtime, DatasetService datasets, JsonMapper json) {
    this.runtime = runtime;
    this.datasets = datasets;
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    SamplingSettings s = SamplingSettings.fromJson(json, job.params());
    int count = s.count();
    int length = s.length();
    List<Document> docs = new ArrayList<>(count);
    try (ModelRuntime.Lease model = runtime.acquireFor(job, s.modelId(), 0)) {
      HookedTransformer transformer = model.get().transformer();
      int bos = transformer.config().bosId();
      int[] prompt = bos >= 0 ? new int[] {bos} : new int[] {0};
      for (int start = 0; start < count; start += BATCH) {
        int rows = Math.min(BATCH, count - start);
        for (int[] row : transformer.generate(prompt, rows, length, s.sampling(), HookSpec.none(), s.seed() + start)) {
          docs.add(Document.tokens(docs.size(), Arrays.copyOfRange(row, prompt.length, row.length)));
        }
        job.report("sample", (double) docs.size() / count,
            String.format("%,d/%,d sequences of %d tokens", docs.size(), count, length));
      }
    }
    return new JobResult(() -> {
      Dataset dataset = datasets.storeGenerated(s.name(), DatasetKind.MODEL_SAMPLES, s.modelId(), docs,
          job.submittedBy());
      return json.createObjectNode().put("datasetId", dataset.getId()).put("documents", docs.size());
    });
  }
}
