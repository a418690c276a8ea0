package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobWatch;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Server-sent events for the dashboard's live parts (a job's progress, the jobs table), fed by the replica's shared
 * job poll ({@link JobWatch}). They carry the rendered HTML fragment, ready for htmx's SSE extension to swap in,
 * and a final {@code done} event that closes the browser's connection (otherwise EventSource reconnects forever).
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class LiveFragments {

  /** What to render: the template fragment's variables, and whether the stream is over. */
  record Snapshot(Map<String, Object> variables, boolean finished) {}

  private final TemplateEngine templates;
  private final JobWatch watch;

  LiveFragments(TemplateEngine templates, JobWatch watch) {
    this.templates = templates;
    this.watch = watch;
  }

  /** Job {@code jobId}'s fragment whenever it renders differently, until the snapshot says finished. */
  SseEmitter job(long jobId, String event, String template, String fragment, Function<Job, Snapshot> view) {
    String[] last = new String[1];
    return watch.open(jobId, (tick, emitter) -> {
      Optional<Job> job = tick.job(jobId);
      if (job.isEmpty()) {
        return done(emitter);
      }
      Snapshot snapshot = view.apply(job.get());
      String html = tick.memo(List.of(template, fragment, jobId), () -> render(template, fragment, snapshot));
      JobWatch.Outcome outcome = send(emitter, event, html, last);
      return snapshot.finished() ? done(emitter) : outcome;
    });
  }

  /**
   * A fragment about many jobs (e.g. a page of the table): re-rendered only when some job changed, once per tick
   * for all streams showing the same {@code view}.
   */
  SseEmitter jobs(Object view, String event, String template, String fragment, Supplier<Map<String, Object>> variables) {
    String[] last = new String[1];
    String[] seenVersion = new String[1];
    return watch.open(null, (tick, emitter) -> {
      if (Objects.equals(tick.version(), seenVersion[0])) {
        return JobWatch.Outcome.IDLE;
      }
      seenVersion[0] = tick.version();
      String html = tick.memo(List.of(template, fragment, view),
          () -> render(template, fragment, new Snapshot(variables.get(), false)));
      return send(emitter, event, html, last);
    });
  }

  private String render(String template, String fragment, Snapshot snapshot) {
    // one line of data: the fragments hold no <pre>, so newlines are only whitespace
    return templates.process(template, Set.of(fragment), new Context(Locale.ROOT, snapshot.variables()))
        .replace("\r", "").replace("\n", " ");
  }

  private static JobWatch.Outcome send(SseEmitter emitter, String event, String html, String[] last)
      throws IOException {
    if (html.equals(last[0])) {
      return JobWatch.Outcome.IDLE;
    }
    last[0] = html;
    emitter.send(SseEmitter.event().name(event).data(html));
    return JobWatch.Outcome.SENT;
  }

  private static JobWatch.Outcome done(SseEmitter emitter) throws IOException {
    emitter.send(SseEmitter.event().name("done").data("done"));
    return JobWatch.Outcome.DONE;
  }
}
