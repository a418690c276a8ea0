package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.jobs.JobStatus;
import io.snmfservice.web.Paging;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/** Jobs: the list with live progress, a job's page with its stages, error, results, loss curve and cancel. */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class JobsController {

  static final int PAGE_SIZE = 25;

  private final JobService jobs;
  private final LiveFragments live;
  private final JsonMapper json;

  JobsController(JobService jobs, LiveFragments live, JsonMapper json) {
    this.jobs = jobs;
    this.live = live;
    this.json = json;
  }

  @GetMapping("/ui/jobs")
  String list(@RequestParam(required = false) String status, @RequestParam(required = false) String type,
      @RequestParam(defaultValue = "0") int page, Model model) {
    JobStatus parsed = status(status);
    model.addAllAttributes(listVariables(parsed, type, Paging.ofLink(page, PAGE_SIZE).page()));
    model.addAttribute("status", parsed == null ? "" : parsed.name());
    model.addAttribute("type", type == null ? "" : type);
    model.addAttribute("statuses", JobStatus.values());
    return "ui/jobs";
  }

  /** The jobs table, re-sent whenever a job on the page changes. */
  @GetMapping(path = "/ui/jobs/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  SseEmitter listEvents(@RequestParam(required = false) String status, @RequestParam(required = false) String type,
      @RequestParam(defaultValue = "0") int page) {
    JobStatus parsed = status(status);
    int from = Paging.ofLink(page, PAGE_SIZE).page();
    return live.jobs(Arrays.asList(parsed, type, from), "jobs", "ui/jobs", "rows",
        () -> listVariables(parsed, type, from));
  }

  @GetMapping("/ui/jobs/{id}")
  String job(@PathVariable long id, Model model) {
    Job job = jobs.get(id);
    model.addAttribute("job", JobRow.of(job));
    model.addAttribute("params", json.writerWithDefaultPrettyPrinter().writeValueAsString(job.params()));
    return "ui/job";
  }

  /** The job's progress fragment whenever the job changes, until it finishes (then a {@code done} event). */
  @GetMapping(path = "/ui/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  SseEmitter events(@PathVariable long id) {
    jobs.get(id);
    return live.job(id, "progress", "ui/job", "progress", job -> {
      JobRow row = JobRow.of(job);
      return new LiveFragments.Snapshot(Map.of("job", row), row.terminal());
    });
  }

  @PostMapping("/ui/jobs/{id}/cancel")
  String cancel(@PathVariable long id) {
    jobs.cancel(id);
    return "redirect:/ui/jobs/" + id;
  }

  private Map<String, Object> listVariables(JobStatus status, String type, int page) {
    String t = type == null || type.isBlank() ? null : type.strip();
    List<JobRow> rows = JobRow.of(jobs.list(status, t, page, PAGE_SIZE));
    long total = jobs.count(status, t);
    return Map.of("jobs", rows, "page", page, "pages", Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE),
        "total", total);
  }

  private static JobStatus status(String status) {
    if (status == null || status.isBlank()) {
      return null;
    }
    try {
      return JobStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Invalid.malformed("status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
    }
  }
}
