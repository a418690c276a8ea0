package io.snmfservice.security;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.snmfservice.errors.Unavailable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Permits for what a request holds while it runs: compute in the request thread (a forward pass, an encode) and
 * open event streams. Each takes one of the caller's permits (so one key cannot take every slot; exempt admins
 * skip this) and one of the replica's (so all keys together cannot take every core or connection); 429 with
 * {@code Retry-After} when either is gone, never a wait, so request threads stay free for health and reads.
 */
@Component
public class CallerPermits implements MeterBinder {

  private final SecurityProperties.Quota quota;
  private final LimitsProperties limits;
  private final Map<Long, Semaphore> computeByKey = new ConcurrentHashMap<>();
  private final Map<Long, Semaphore> streamsByKey = new ConcurrentHashMap<>();
  private final Semaphore compute;
  private final Semaphore streams;
  private final AtomicInteger computing = new AtomicInteger();
  private final AtomicInteger peakComputing = new AtomicInteger();

  CallerPermits(SecurityProperties settings, LimitsProperties limits) {
    this.quota = settings.quota();
    this.limits = limits;
    this.compute = new Semaphore(limits.computeSlots());
    this.streams = new Semaphore(limits.streamsPerReplica());
  }

  /**
   * A permit to compute {@code what} in this request thread, to be closed when done; 429 when the caller or the
   * replica has none left. The work calls {@link Compute#checkTime()} between its steps.
   */
  public Compute acquireCompute(String what) {
    Caller caller = Caller.current().orElse(null);
    Runnable releaseKey = take(computeByKey, quota.steerConcurrency(), caller, () -> Unavailable.limitReached("compute",
        "API key '" + caller.name() + "' already has " + quota.steerConcurrency() + " synchronous computation(s)"
            + " running (steering, encoding); retry when it finishes or submit a job", 2));
    if (!compute.tryAcquire()) {
      releaseKey.run();
      throw Unavailable.limitReached("compute", "this replica is already running " + limits.computeSlots()
          + " synchronous computations (steering, encoding); retry shortly or submit a job", 2);
    }
    int now = computing.incrementAndGet();
    peakComputing.accumulateAndGet(now, Math::max);
    return new Compute(what, System.nanoTime() + limits.computeTimeout().toNanos(), once(() -> {
      computing.decrementAndGet();
      compute.release();
      releaseKey.run();
    }));
  }

  /** A permit to hold an event stream open, to be closed when it ends; 429 when the caller or replica has none. */
  public Permit acquireStream() {
    Caller caller = Caller.current().orElse(null);
    Runnable releaseKey = take(streamsByKey, limits.streamsPerKey(), caller, () -> Unavailable.limitReached("streams",
        "API key '" + caller.name() + "' already has " + limits.streamsPerKey() + " event streams open"
            + " (snmf.limits.streams-per-key); close one first", 5));
    if (!streams.tryAcquire()) {
      releaseKey.run();
      throw Unavailable.limitReached("streams", "this replica already holds " + limits.streamsPerReplica()
          + " event streams open (snmf.limits.streams-per-replica); retry later", 5);
    }
    Runnable release = once(() -> {
      streams.release();
      releaseKey.run();
    });
    return release::run;
  }

  /** The most computations that ran at once since start (for tests and capacity checks). */
  public int peakComputing() {
    return peakComputing.get();
  }

  /** Open event streams on this replica. */
  public int openStreams() {
    return limits.streamsPerReplica() - streams.availablePermits();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("snmf.compute.running", computing, AtomicInteger::get)
        .description("synchronous computations (steering, encoding) running in request threads").register(registry);
    Gauge.builder("snmf.streams.open", this, CallerPermits::openStreams)
        .description("open server-sent-event streams").register(registry);
  }

  /** Takes the caller's permit from {@code byKey} (nothing when quotas do not apply) and returns its release. */
  private Runnable take(Map<Long, Semaphore> byKey, int perKey, Caller caller,
      java.util.function.Supplier<Unavailable> refusal) {
    if (!quota.appliesTo(caller)) {
      return () -> { };
    }
    Semaphore semaphore = byKey.computeIfAbsent(caller.keyId(), id -> new Semaphore(perKey));
    if (!semaphore.tryAcquire()) {
      throw refusal.get();
    }
    return semaphore::release;
  }

  /** Releases run once however often they are called (an emitter may report completion and error). */
  private static Runnable once(Runnable release) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        release.run();
      }
    };
  }

  /** A held permit. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /** A held compute permit with its deadline. */
  public static final class Compute implements Permit {

    private final String what;
    private final long deadlineNanos;
    private final Runnable release;

    Compute(String what, long deadlineNanos, Runnable release) {
      this.what = what;
      this.deadlineNanos = deadlineNanos;
      this.release = release;
    }

    /**
     * 503 once the time limit has passed. A forward pass cannot be interrupted, so the limit is cooperative: the
     * work calls this between steps, and the token bounds keep each step short.
     */
    public void checkTime() {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw Unavailable.timedOut(what + " ran past its time limit"
            + " (snmf.limits.compute-timeout); send fewer tokens or submit a job");
      }
    }

    @Override
    public void close() {
      release.run();
    }
  }
}
