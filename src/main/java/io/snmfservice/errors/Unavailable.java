package io.snmfservice.errors;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The work cannot be done now but may succeed later. When a limit of the caller or the replica was reached (a job
 * quota, compute slots, streams) it is 429 with the limit's name; when the work itself ran out of time, 503. The
 * optional retry-after tells clients how many seconds to wait.
 */
public final class Unavailable extends DomainException {

  private final String limit;
  private final Long retryAfterSeconds;

  private Unavailable(String limit, Long retryAfterSeconds, String detail) {
    super(detail);
    this.limit = limit;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * A limit was reached (429).
   *
   * @param limit what was exceeded, for the refusal metric (e.g. job-quota, compute)
   */
  public static Unavailable limitReached(String limit, String detail, long retryAfterSeconds) {
    return new Unavailable(limit, Math.max(1, retryAfterSeconds), detail);
  }

  /** The work could not be done in time (503), with no estimate of when it could. */
  public static Unavailable timedOut(String detail) {
    return new Unavailable(null, null, detail);
  }

  /** The limit that was reached, if one was. */
  public Optional<String> limit() {
    return Optional.ofNullable(limit);
  }

  public OptionalLong retryAfterSeconds() {
    return retryAfterSeconds == null ? OptionalLong.empty() : OptionalLong.of(retryAfterSeconds);
  }

  @Override
  public int status() {
    return limit != null ? 429 : 503;
  }
}
