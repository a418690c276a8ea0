package io.snmfservice.models;

import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobHandler;
import io.snmfservice.jobs.JobResult;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job type {@code download-model}: fetches a hub model's files into the cache (progress in bytes) and loads it
 * once, which records its shape. The only way an API request gets hub files onto the server.
 */
@Component
class DownloadModelJobHandler implements JobHandler {

  static final String TYPE = "download-model";
  /** Most of the time goes to the transfer; loading the weights takes the rest. */
  private static final double DOWNLOAD_SHARE = 0.9;

  private final ModelRuntime runtime;
  private final JsonMapper json;

  DownloadModelJobHandler(ModelRuntime runtime, JsonMapper json) {
    this.runtime = runtime;
    this.json = json;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobResult run(JobContext job) {
    long modelId = DownloadSettings.fromJson(json, job.params()).modelId();
    Model model;
    try (ModelRuntime.Lease lease = runtime.acquireFor(job, modelId, DOWNLOAD_SHARE)) {
      model = lease.get().model();
    }
    return new JobResult(() -> json.createObjectNode().put("modelId", modelId)
        .put("repoId", model.getHfRepoId()).put("revision", model.getHfRevision()));
  }
}
