package io.snmfservice.jobs;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@RequestMapping("/v1/jobs")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class JobController {

  private final JobService jobs;
  private final JobEventStream events;

  JobController(JobService jobs, JobEventStream events) {
    this.jobs = jobs;
    this.events = events;
  }

  @GetMapping
  PageView<JobView> list(
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String type,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    JobStatus parsed = parseStatus(status);
    return new PageView<>(
        jobs.list(parsed, type, paging.page(), paging.size()).stream().map(JobView::of).toList(),
        paging.page(),
        paging.size(),
        jobs.count(parsed, type));
  }

  @GetMapping("/{id}")
  JobView get(@PathVariable long id) {
    return JobView.of(jobs.get(id));
  }

  @PostMapping("/{id}/cancel")
  JobView cancel(@PathVariable long id) {
    return JobView.of(jobs.cancel(id));
  }

  /** Server-sent events: a {@code progress} event with the job whenever it changes, until it finishes. */
  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@PathVariable long id) {
    jobs.get(id);
    return events.subscribe(id);
  }

  private static JobStatus parseStatus(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Invalid.malformed(
          "status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, was '" + status + "'");
    }
  }
}
