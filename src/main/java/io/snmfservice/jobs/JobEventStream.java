package io.snmfservice.jobs;

import io.snmfservice.config.ConditionalOnRole;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The API's job events: a {@code progress} event with the job whenever its row changed, until it finishes. */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class JobEventStream {

  private final JobWatch watch;

  JobEventStream(JobWatch watch) {
    this.watch = watch;
  }

  SseEmitter subscribe(long jobId) {
    Instant[] lastSeen = new Instant[1];
    return watch.open(jobId, (tick, emitter) -> {
      Optional<Job> job = tick.job(jobId);
      if (job.isEmpty()) {
        return JobWatch.Outcome.DONE;
      }
      JobWatch.Outcome outcome = JobWatch.Outcome.IDLE;
      if (!Objects.equals(job.get().updatedAt(), lastSeen[0])) {
        lastSeen[0] = job.get().updatedAt();
        emitter.send(SseEmitter.event().name("progress").id(lastSeen[0].toString()).data(JobView.of(job.get())));
        outcome = JobWatch.Outcome.SENT;
      }
      return job.get().status().isTerminal() ? JobWatch.Outcome.DONE : outcome;
    });
  }
}
