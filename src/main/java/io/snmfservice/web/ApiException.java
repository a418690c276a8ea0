package io.snmfservice.web;

import org.springframework.http.HttpStatus;

/** A client error that becomes an RFC 9457 problem response with this status and detail. */
public class ApiException extends RuntimeException {

  private final HttpStatus status;

  public ApiException(HttpStatus status, String detail) {
    super(detail);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  public static ApiException notFound(String what, Object id) {
    return new ApiException(HttpStatus.NOT_FOUND, what + " " + id + " does not exist");
  }

  public static ApiException conflict(String detail) {
    return new ApiException(HttpStatus.CONFLICT, detail);
  }

  public static ApiException unprocessable(String detail) {
    return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, detail);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(HttpStatus.FORBIDDEN, detail);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, detail);
  }

  public static ApiException tooLarge(String detail) {
    return new ApiException(HttpStatus.CONTENT_TOO_LARGE, detail);
  }
}
