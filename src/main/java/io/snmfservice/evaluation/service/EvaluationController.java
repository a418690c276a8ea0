package io.snmfservice.evaluation.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.jobs.JobView;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
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

  /** Evaluations newest first, without their tables. */
  @GetMapping("/v1/evaluations")
  PageView<JsonNode> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(evaluations.list(paging.offset(), paging.size()), paging.page(), paging.size(),
        evaluations.count());
  }

  @DeleteMapping("/v1/evaluations/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    evaluations.delete(id);
    return ResponseEntity.noContent().build();
  }
}
