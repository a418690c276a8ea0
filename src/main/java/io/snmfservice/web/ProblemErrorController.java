package io.snmfservice.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code /error} page that the servlet container forwards to when something answered with {@code sendError}
 * before a controller ran (e.g. the security firewall rejecting an encoded {@code %} or {@code ..} in the path):
 * a problem document, like every other error of the API, instead of Boot's own error JSON.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = HttpStatus.resolve(code instanceof Integer i ? i : 500);
    if (status == null) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    String detail = exception instanceof RequestRejectedException rejected
        ? "the request was rejected: " + rejected.getMessage()
        : status.is5xxServerError() ? "internal error" : status.getReasonPhrase();
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri instanceof String path) {
      problem.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "")));
    }
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
