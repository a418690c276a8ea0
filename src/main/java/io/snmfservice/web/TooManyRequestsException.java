package io.snmfservice.web;

import org.springframework.http.HttpStatus;

/** A quota or concurrency limit was hit: 429 with {@code Retry-After}. */
public class TooManyRequestsException extends ApiException {

  private final long retryAfterSeconds;

  public TooManyRequestsException(String detail, long retryAfterSeconds) {
    super(HttpStatus.TOO_MANY_REQUESTS, detail);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
