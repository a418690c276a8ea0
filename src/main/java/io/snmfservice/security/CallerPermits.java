package io.snmfservice.security;

import io.snmfservice.web.TooManyRequestsException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * Per-key concurrency of interactive work ({@code POST /v1/steer}): one key cannot take every slot the replica
 * has. Admins are exempt when quotas exempt them.
 */
@Component
public class CallerPermits {

  private final SecurityProperties.Quota quota;
  private final Map<Long, Semaphore> permits = new ConcurrentHashMap<>();

  CallerPermits(SecurityProperties settings) {
    this.quota = settings.quota();
  }

  /** A permit for the current caller, to be closed when the work is done; 429 when the caller has none left. */
  public Permit acquireInteractive() {
    Caller caller = Caller.current().orElse(null);
    if (!quota.appliesTo(caller)) {
      return () -> { };
    }
    Semaphore semaphore = permits.computeIfAbsent(caller.keyId(), id -> new Semaphore(quota.steerConcurrency()));
    if (!semaphore.tryAcquire()) {
      throw new TooManyRequestsException("API key '" + caller.name() + "' already has " + quota.steerConcurrency()
          + " interactive steering request(s) running; retry when it finishes or use POST /v1/steering", 2, "compute");
    }
    return semaphore::release;
  }

  /** A held permit. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
