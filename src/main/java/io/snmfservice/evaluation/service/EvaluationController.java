package io.snmfservice.evaluation.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.jobs.JobView;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class EvaluationController {

  private final EvaluationService evaluations;

  EvaluationController(EvaluationService evaluations) {
    this.evaluations = evaluations;
  }

  /** Starts an {@code evaluate} job; 202 with the job. */
  @PostMapping("/v1/evaluations")
  ResponseEntity<JobView> create(@Valid @RequestBody EvaluationRequest r,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return JobView.accepted(evaluations.submit(r, idempotencyKey));
  }

  @GetMapping("/v1/evaluations/{id}")
  JsonNode get(@PathVariable long id) {
    return evaluations.get(id);
  }
}
