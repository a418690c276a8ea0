package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Server-sent events for the dashboard's live parts (a job's progress, the jobs table). Like the API's job event
 * stream it polls the job rows (the source of truth, whichever replica runs the job) twice a second, but it sends
 * the rendered HTML fragment, ready for htmx's SSE extension to swap in, and a final {@code done} event that
 * closes the browser's connection (otherwise EventSource reconnects forever).
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class LiveFragments {

  private static final long POLL_MILLIS = 500;
  private static final long TIMEOUT_MILLIS = 60 * 60 * 1000L;

  /** What to render on each poll: the template fragment, its variables, and whether the stream is over. */
  record Snapshot(Map<String, Object> variables, boolean finished) {}

  private record Subscription(String event, String template, String fragment, Supplier<Snapshot> source,
      String[] last) {}

  private final TemplateEngine templates;
  private final Map<SseEmitter, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ui-live");
    t.setDaemon(true);
    return t;
  });

  LiveFragments(TemplateEngine templates) {
    this.templates = templates;
    poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  SseEmitter subscribe(String event, String template, String fragment, Supplier<Snapshot> source) {
    SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
    subscriptions.put(emitter, new Subscription(event, template, fragment, source, new String[1]));
    emitter.onCompletion(() -> subscriptions.remove(emitter));
    emitter.onTimeout(() -> subscriptions.remove(emitter));
    emitter.onError(e -> subscriptions.remove(emitter));
    poller.execute(this::poll);
    return emitter;
  }

  private void poll() {
    subscriptions.forEach((emitter, sub) -> {
      try {
        Snapshot snapshot = sub.source().get();
        String html = templates.process(sub.template(), Set.of(sub.fragment()),
            new Context(java.util.Locale.ROOT, snapshot.variables()));
        if (!Objects.equals(html, sub.last()[0])) {
          sub.last()[0] = html;
          // one line of data: the fragments hold no <pre>, so newlines are only whitespace
          emitter.send(SseEmitter.event().name(sub.event()).data(html.replace("\r", "").replace("\n", " ")));
        }
        if (snapshot.finished()) {
          subscriptions.remove(emitter);
          emitter.send(SseEmitter.event().name("done").data("done"));
          emitter.complete();
        }
      } catch (IOException | IllegalStateException e) {
        subscriptions.remove(emitter);
      } catch (RuntimeException e) {
        subscriptions.remove(emitter);
        emitter.completeWithError(e);
      }
    });
  }

  @PreDestroy
  void close() {
    poller.shutdownNow();
    subscriptions.keySet().forEach(SseEmitter::complete);
  }
}
