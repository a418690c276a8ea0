package io.snmfservice.ui;

import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Unavailable;
import io.snmfservice.storage.DatabaseUnavailable;
import io.snmfservice.web.RefusalLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Dashboard pages answer errors with an HTML page that shows the problem (status, title, detail), not with the
 * API's problem+json; it runs before the API's handler for the dashboard's controllers only.
 */
@ControllerAdvice(basePackageClasses = UiErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class UiErrors {

  private static final Logger log = LoggerFactory.getLogger(UiErrors.class);

  private final RefusalLog refusals;

  UiErrors(RefusalLog refusals) {
    this.refusals = refusals;
  }

  @ExceptionHandler(DomainException.class)
  String domain(DomainException e, Model model, HttpServletRequest request, HttpServletResponse response) {
    if (e instanceof Unavailable unavailable) {
      unavailable.limit().ifPresent(limit -> refusals.tooManyRequests(request, limit, e.getMessage()));
      unavailable.retryAfterSeconds().ifPresent(s -> response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(s)));
    }
    return page(Problem.of(e), model, response);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  String typeMismatch(MethodArgumentTypeMismatchException e, Model model, HttpServletResponse response) {
    return page(Problem.of(HttpStatus.BAD_REQUEST,
        "parameter '" + e.getName() + "' has an invalid value '" + e.getValue() + "'"), model, response);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  String illegal(IllegalArgumentException e, Model model, HttpServletResponse response) {
    return page(Problem.of(HttpStatus.BAD_REQUEST, e.getMessage()), model, response);
  }

  @ExceptionHandler(RuntimeException.class)
  String unexpected(RuntimeException e, Model model, HttpServletResponse response) {
    if (e.getClass().getName().startsWith("org.springframework.security.")) {
      throw e; // access control answers these itself (login redirect, 403)
    }
    if (DatabaseUnavailable.isCause(e)) {
      log.warn("Dashboard page answered 503, database unavailable: {}", e.getMessage());
      response.setHeader(HttpHeaders.RETRY_AFTER, "5");
      return page(Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "the database is unavailable; retry later"), model,
          response);
    }
    log.error("Unhandled error in a dashboard page", e);
    return page(Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal error"), model, response);
  }

  private static String page(Problem problem, Model model, HttpServletResponse response) {
    response.setStatus(problem.status());
    model.addAttribute("problem", problem);
    return "ui/error";
  }
}
