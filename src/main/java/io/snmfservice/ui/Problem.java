package io.snmfservice.ui;

import io.snmfservice.web.ApiException;
import org.springframework.http.HttpStatus;

/** An RFC 9457 problem as a dashboard page shows it next to the form that caused it. */
record Problem(int status, String title, String detail) {

  static Problem of(ApiException e) {
    return new Problem(e.status().value(), e.status().getReasonPhrase(), e.getMessage());
  }

  static Problem of(HttpStatus status, String detail) {
    return new Problem(status.value(), status.getReasonPhrase(), detail);
  }
}
