package io.snmfservice.ui;

import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Unavailable;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** An RFC 9457 problem as a dashboard page shows it next to the form that caused it. */
record Problem(int status, String title, String detail) {

  static Problem of(DomainException e) {
    return of(HttpStatus.valueOf(e.status()), e.getMessage());
  }

  /** The problem for the page, with the response's status set to it (and Retry-After when the service is busy). */
  static Problem answering(DomainException e, HttpServletResponse response) {
    response.setStatus(e.status());
    if (e instanceof Unavailable busy) {
      busy.retryAfterSeconds().ifPresent(s -> response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(s)));
    }
    return of(e);
  }

  static Problem of(HttpStatus status, String detail) {
    return new Problem(status.value(), status.getReasonPhrase(), detail);
  }
}
