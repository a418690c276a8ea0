package io.snmfservice.web;

import java.io.IOException;

/** Thrown while reading a request body that goes past {@code snmf.web.max-request-bytes}; answered with 413. */
public class BodyTooLargeException extends IOException {

  private final long limit;

  BodyTooLargeException(long limit) {
    super("request body exceeds the limit of " + limit + " bytes");
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }
}
