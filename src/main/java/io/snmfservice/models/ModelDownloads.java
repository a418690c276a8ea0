package io.snmfservice.models;

import io.snmfservice.jobs.JobService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Queues {@code download-model} jobs: API requests never fetch hub files themselves, they point at the job that
 * does. One queued or running download per model is reused rather than doubled.
 */
@Component
class ModelDownloads {

  private final JobService jobs;
  private final JdbcClient jdbc;
  private final JsonMapper json;

  ModelDownloads(JobService jobs, JdbcClient jdbc, JsonMapper json) {
    this.jobs = jobs;
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The id of the queued or running download of the model, submitting one if there is none. */
  long ensureQueued(long modelId) {
    return jdbc.sql("SELECT id FROM job WHERE type = ? AND status IN ('QUEUED', 'RUNNING')"
            + " AND params->>'modelId' = ? ORDER BY id LIMIT 1")
        .params(DownloadModelJobHandler.TYPE, Long.toString(modelId)).query(Long.class).optional()
        .orElseGet(() -> jobs.submit(DownloadModelJobHandler.TYPE,
            new DownloadSettings(modelId).toJson(json), 0, null).id());
  }
}
