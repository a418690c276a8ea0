package io.snmfservice.jobs;

import io.snmfservice.config.ConditionalOnRole;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent progress events. The job row is the source of truth (any replica may be running the job), so
 * subscriptions are served by polling it twice a second and sending an event whenever it changed.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class JobEventStream {

  private static final long POLL_MILLIS = 500;
  private static final long TIMEOUT_MILLIS = 60 * 60 * 1000L;

  private final JobService jobs;
  private final Map<SseEmitter, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "job-events");
            t.setDaemon(true);
            return t;
          });

  private static final class Subscription {
    final long jobId;
    Instant lastSeen;

    Subscription(long jobId) {
      this.jobId = jobId;
    }
  }

  JobEventStream(JobService jobs) {
    this.jobs = jobs;
    poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  SseEmitter subscribe(long jobId) {
    SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
    subscriptions.put(emitter, new Subscription(jobId));
    emitter.onCompletion(() -> subscriptions.remove(emitter));
    emitter.onTimeout(() -> subscriptions.remove(emitter));
    emitter.onError(e -> subscriptions.remove(emitter));
    poller.execute(this::poll);
    return emitter;
  }

  private void poll() {
    subscriptions.forEach(
        (emitter, sub) -> {
          Optional<Job> job = jobs.find(sub.jobId);
          try {
            if (job.isEmpty()) {
              emitter.complete();
              return;
            }
            if (!Objects.equals(job.get().updatedAt(), sub.lastSeen)) {
              sub.lastSeen = job.get().updatedAt();
              emitter.send(SseEmitter.event().name("progress").id(sub.lastSeen.toString()).data(JobView.of(job.get())));
            }
            if (job.get().status().isTerminal()) {
              subscriptions.remove(emitter);
              emitter.complete();
            }
          } catch (IOException | IllegalStateException e) {
            subscriptions.remove(emitter);
          }
        });
  }

  @PreDestroy
  void close() {
    poller.shutdownNow();
    subscriptions.keySet().forEach(SseEmitter::complete);
  }
}
