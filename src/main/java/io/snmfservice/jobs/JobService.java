package io.snmfservice.jobs;

import io.snmfservice.web.ApiException;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Submitting, reading and cancelling jobs: the API side of the queue. */
public class JobService {

  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  private final JobStore store;
  private final JobEvents events;

  public JobService(JobStore store, JobEvents events) {
    this.store = store;
    this.events = events;
  }

  /**
   * Queues a job. With an idempotency key, a repeated submission returns the job created first; reusing the key
   * for a different request is a conflict.
   */
  public Job submit(String type, JsonNode params, int priority, String idempotencyKey) {
    if (idempotencyKey != null) {
      Optional<Job> existing = store.findByIdempotencyKey(idempotencyKey);
      if (existing.isPresent()) {
        return sameRequestOrConflict(existing.get(), type, params);
      }
    }
    long id = store.insert(type, params, priority, DEFAULT_MAX_ATTEMPTS, idempotencyKey);
    Job job = get(id);
    if (idempotencyKey != null) {
      sameRequestOrConflict(job, type, params);
    }
    events.submitted(type);
    return job;
  }

  public Job get(long id) {
    return store.find(id).orElseThrow(() -> ApiException.notFound("job", id));
  }

  public Optional<Job> findByIdempotencyKey(String key) {
    return store.findByIdempotencyKey(key);
  }

  public Optional<Job> find(long id) {
    return store.find(id);
  }

  public List<Job> list(JobStatus status, String type, int page, int size) {
    return store.list(status, type, page * size, size);
  }

  public long count(JobStatus status, String type) {
    return store.count(status, type);
  }

  /** Cancels a queued job at once or flags a running one; a finished job cannot be cancelled (409). */
  public Job cancel(long id) {
    Job job = get(id);
    if (job.status().isTerminal()) {
      throw ApiException.conflict("job " + id + " has already finished with status " + job.status());
    }
    store.requestCancel(id);
    return get(id);
  }

  private Job sameRequestOrConflict(Job existing, String type, JsonNode params) {
    if (!store.isSameRequest(existing.id(), type, params)) {
      throw ApiException.conflict(
          "Idempotency-Key was already used for a different request (job " + existing.id() + ")");
    }
    return existing;
  }
}
