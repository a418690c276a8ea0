package io.snmfservice.jobs;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.security.CallerPermits;
import io.snmfservice.security.LimitsProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The replica's server-sent-event streams about jobs (the API's job events, the dashboard's live fragments) and the
 * one poll that feeds them all. The job rows are the source of truth, whichever replica runs a job, so they are
 * polled twice a second; but once per replica, not once per stream: each tick reads every watched job in one query
 * (plus the job table's version in one more when some stream shows the job list) and hands the result to each
 * stream. Streams take a permit per key and per replica ({@code snmf.limits.streams-*}) and close when idle.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
public class JobWatch implements MeterBinder {

  private static final Logger log = LoggerFactory.getLogger(JobWatch.class);
  private static final long POLL_MILLIS = 500;
  /** Even a busy stream is ended after an hour; the browser's EventSource reconnects. */
  private static final long MAX_LIFETIME_MILLIS = 60 * 60 * 1000L;

  /** What one stream does with a tick. */
  public interface Feed {
    /** Sends what changed for this stream since the last tick (events other than the final one). */
    Outcome next(Tick tick, SseEmitter emitter) throws IOException;
  }

  /** What a stream did with a tick: nothing to send, sent something, or finished (then it is completed). */
  public enum Outcome { IDLE, SENT, DONE }

  /** One poll's result, the same for every stream. */
  public static final class Tick {

    private final Map<Long, Job> jobs;
    private final String version;
    private final Map<Object, Object> memo = new HashMap<>();

    Tick(Map<Long, Job> jobs, String version) {
      this.jobs = jobs;
      this.version = version;
    }

    /** A watched job; empty when it no longer exists. */
    public Optional<Job> job(long id) {
      return Optional.ofNullable(jobs.get(id));
    }

    /** Changes whenever any job changes; null unless a stream watches the list. */
    public String version() {
      return version;
    }

    /** Computed once per tick per key, so streams showing the same thing share the work (and its queries). */
    @SuppressWarnings("unchecked")
    public <T> T memo(Object key, Supplier<T> compute) {
      return (T) memo.computeIfAbsent(key, k -> compute.get());
    }
  }

  private final class Stream {
    final Long jobId;
    final Feed feed;
    final SseEmitter emitter;
    final CallerPermits.Permit permit;
    long lastSentNanos = System.nanoTime();

    Stream(Long jobId, Feed feed, SseEmitter emitter, CallerPermits.Permit permit) {
      this.jobId = jobId;
      this.feed = feed;
      this.emitter = emitter;
      this.permit = permit;
    }

    void end() {
      streams.remove(this);
      permit.close();
    }
  }

  private final JobService jobs;
  private final CallerPermits permits;
  private final long idleNanos;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong queries = new AtomicLong();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "job-watch");
    t.setDaemon(true);
    return t;
  });

  JobWatch(JobService jobs, CallerPermits permits, LimitsProperties limits) {
    this.jobs = jobs;
    this.permits = permits;
    this.idleNanos = limits.streamIdleTimeout().toNanos();
    poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * A stream about job {@code jobId}, or with null about the job list; 429 when the caller or the replica holds
   * too many open. Its first events come with the next tick.
   */
  public SseEmitter open(Long jobId, Feed feed) {
    CallerPermits.Permit permit = permits.acquireStream();
    SseEmitter emitter = new SseEmitter(MAX_LIFETIME_MILLIS);
    Stream stream = new Stream(jobId, feed, emitter, permit);
    emitter.onCompletion(stream::end);
    emitter.onTimeout(stream::end);
    emitter.onError(e -> stream.end());
    streams.add(stream);
    return emitter;
  }

  /** Polls so far (ticks with at least one stream open). */
  public long polls() {
    return polls.get();
  }

  /** Database queries the polls made. */
  public long queries() {
    return queries.get();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("snmf.streams.polls", polls, AtomicLong::get)
        .description("shared polls of the watched jobs").register(registry);
    FunctionCounter.builder("snmf.streams.poll.queries", queries, AtomicLong::get)
        .description("database queries of those polls (at most 2 per poll, however many streams)").register(registry);
  }

  private void poll() {
    if (streams.isEmpty()) {
      return;
    }
    Tick tick;
    try {
      tick = read();
    } catch (RuntimeException e) {
      log.warn("job streams: poll failed, trying again in {} ms: {}", POLL_MILLIS, e.toString());
      return;
    }
    long now = System.nanoTime();
    for (Stream stream : streams) {
      serve(stream, tick, now);
    }
  }

  private Tick read() {
    polls.incrementAndGet();
    Set<Long> ids = new HashSet<>();
    boolean list = false;
    for (Stream stream : streams) {
      if (stream.jobId == null) {
        list = true;
      } else {
        ids.add(stream.jobId);
      }
    }
    Map<Long, Job> found = new HashMap<>();
    if (!ids.isEmpty()) {
      queries.incrementAndGet();
      jobs.findAll(ids).forEach(job -> found.put(job.id(), job));
    }
    String version = null;
    if (list) {
      queries.incrementAndGet();
      version = jobs.version();
    }
    return new Tick(found, version);
  }

  private void serve(Stream stream, Tick tick, long now) {
    try {
      switch (stream.feed.next(tick, stream.emitter)) {
        case SENT -> stream.lastSentNanos = now;
        case DONE -> {
          stream.end();
          stream.emitter.complete();
        }
        case IDLE -> {
          if (now - stream.lastSentNanos > idleNanos) {
            log.debug("job stream idle, closed (snmf.limits.stream-idle-timeout)");
            stream.end();
            stream.emitter.complete();
          }
        }
      }
    } catch (IOException | IllegalStateException e) {
      stream.end(); // the client went away
    } catch (RuntimeException e) {
      stream.end();
      stream.emitter.completeWithError(e);
    }
  }

  @PreDestroy
  void close() {
    poller.shutdownNow();
    streams.forEach(stream -> stream.emitter.complete());
  }
}
