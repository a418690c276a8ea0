package io.snmfservice.web;

import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Unavailable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.util.List;
import org.apache.tomcat.util.http.InvalidParameterException;
import io.snmfservice.models.hub.HubDownloadTooLargeException;
import io.snmfservice.models.hub.HubException;
import io.snmfservice.models.hub.HubInsufficientStorageException;
import io.snmfservice.models.hub.HubNetworkException;
import io.snmfservice.models.hub.HubNotFoundException;
import io.snmfservice.models.hub.HubOfflineException;
import io.snmfservice.storage.DatabaseUnavailable;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error leaves as RFC 9457 {@code application/problem+json} with a detail that says what was wrong. Missing
 * or malformed input is 400, values out of range 422, unknown ids 404, conflicts 409, over-size bodies 413; hub
 * failures 502 or 504, a full model cache 507.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  /** Constraints whose violation means "the field is missing" (400) rather than "out of range" (422). */
  private static final Set<String> PRESENCE_CONSTRAINTS = Set.of("NotNull", "NotBlank", "NotEmpty");
  /** How long clients are asked to wait while the database is unreachable (a restart takes seconds). */
  static final long RETRY_AFTER_SECONDS = 5;
  static final String UNAVAILABLE_DETAIL = "the database is unavailable; retry later";

  private final RefusalLog refusals;

  ProblemHandler(RefusalLog refusals) {
    this.refusals = refusals;
  }

  /** A domain error keeps its own status and message; a reached limit also says when to retry. */
  @ExceptionHandler(DomainException.class)
  ResponseEntity<ProblemDetail> domain(DomainException e, HttpServletRequest request) {
    HttpStatus status = HttpStatus.valueOf(e.status());
    ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
    if (e instanceof Unavailable unavailable) {
      unavailable.limit().ifPresent(limit -> refusals.tooManyRequests(request, limit, e.getMessage()));
      unavailable.retryAfterSeconds().ifPresent(s -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(s)));
    }
    return response.body(body(status, e.getMessage()));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
    return problem(
        HttpStatus.BAD_REQUEST, "parameter '" + e.getName() + "' has an invalid value '" + e.getValue() + "'");
  }

  /** Tomcat parses the query string lazily and throws on a malformed one (e.g. a parameter without a name). */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<ProblemDetail> malformedQuery(InvalidParameterException e) {
    return problem(HttpStatus.BAD_REQUEST, "the query string is malformed: " + e.getMessage());
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e) {
    String detail =
        e.getConstraintViolations().stream()
            .map(v -> leaf(v.getPropertyPath().toString()) + ": " + v.getMessage())
            .sorted()
            .collect(Collectors.joining("; "));
    return problem(HttpStatus.UNPROCESSABLE_CONTENT, detail);
  }

  @ExceptionHandler(DataIntegrityViolationException.class)
  ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e) {
    log.info("Rejected write that violates a database constraint: {}", e.getMostSpecificCause().getMessage());
    return problem(HttpStatus.CONFLICT, "the request conflicts with existing data");
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    List<FieldError> errors = e.getBindingResult().getFieldErrors();
    boolean missing = errors.stream().anyMatch(f -> PRESENCE_CONSTRAINTS.contains(f.getCode()));
    String detail =
        errors.stream()
            .map(f -> f.getField() + ": " + f.getDefaultMessage())
            .sorted()
            .collect(Collectors.joining("; "));
    if (detail.isEmpty()) {
      detail = "invalid request";
    }
    HttpStatus code = missing ? HttpStatus.BAD_REQUEST : HttpStatus.UNPROCESSABLE_CONTENT;
    return ResponseEntity.status(code).body(body(code, detail));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    HttpStatus code = RequestBodyErrors.tooLarge(e) ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST;
    return ResponseEntity.status(code).body(body(code, RequestBodyErrors.describe(e)));
  }

  /** A body read past {@code snmf.web.max-request-bytes} outside the JSON converter (e.g. a raw stream). */
  @ExceptionHandler(BodyTooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(BodyTooLargeException e) {
    return problem(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
  }

  /**
   * Failures of the model hub are the hub's, not ours: 502 (or 504 when it cannot be reached), the detail naming
   * the repository and the reason; limits set by the operator are 422 and 507.
   */
  @ExceptionHandler(HubException.class)
  ResponseEntity<ProblemDetail> hub(HubException e) {
    HttpStatus status = hubStatus(e);
    log.warn("Answered {} for a hub failure: {}", status.value(), e.getMessage());
    return problem(status, e.getMessage());
  }

  static HttpStatus hubStatus(HubException e) {
    if (e instanceof HubNetworkException) {
      return HttpStatus.GATEWAY_TIMEOUT;
    }
    if (e instanceof HubNotFoundException || e instanceof HubDownloadTooLargeException) {
      return HttpStatus.UNPROCESSABLE_CONTENT;
    }
    if (e instanceof HubInsufficientStorageException) {
      return HttpStatus.INSUFFICIENT_STORAGE;
    }
    if (e instanceof HubOfflineException) {
      return HttpStatus.CONFLICT;
    }
    return HttpStatus.BAD_GATEWAY;
  }

  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
    if (DatabaseUnavailable.isCause(e)) {
      logUnavailable(e);
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
          .body(body(HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE_DETAIL));
    }
    log.error("Unhandled error", e);
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
  }

  /** One short line per refused request: the stack trace of a refused connection says nothing new. */
  static void logUnavailable(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    log.warn("Answered 503, database unavailable: {}", root.toString());
  }

  static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
    return ResponseEntity.status(status).body(body(status, detail));
  }

  static ProblemDetail body(HttpStatusCode status, String detail) {
    return ProblemDetail.forStatusAndDetail(status, detail);
  }

  private static String leaf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
