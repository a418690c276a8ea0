package io.snmfservice.ui;

import io.snmfservice.errors.DomainException;
import org.springframework.http.HttpStatus;

/** An RFC 9457 problem as a dashboard page shows it next to the form that caused it. */
record Problem(int status, String title, String detail) {

  static Problem of(DomainException e) {
    return of(HttpStatus.valueOf(e.status()), e.getMessage());
  }

  static Problem of(HttpStatus status, String detail) {
    return new Problem(status.value(), status.getReasonPhrase(), detail);
  }
}
