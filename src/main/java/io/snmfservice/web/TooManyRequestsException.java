package io.snmfservice.web;

import org.springframework.http.HttpStatus;

/** A quota or concurrency limit was hit: 429 with {@code Retry-After}. */
public class TooManyRequestsException extends ApiException {

  private final long retryAfterSeconds;
  private final String limit;

  public TooManyRequestsException(String detail, long retryAfterSeconds) {
    this(detail, retryAfterSeconds, "quota");
  }

  /** @param limit what was exceeded, for the refusal metric (e.g. job-quota, compute) */
  public TooManyRequestsException(String detail, long retryAfterSeconds, String limit) {
    super(HttpStatus.TOO_MANY_REQUESTS, detail);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    this.limit = limit;
  }

  public String limit() {
    return limit;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
