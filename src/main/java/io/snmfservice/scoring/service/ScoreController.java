package io.snmfservice.scoring.service;

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
class ScoreController {

  private final ScoreService scores;

  ScoreController(ScoreService scores) {
    this.scores = scores;
  }

  /** Starts a {@code score} job; 202 with the job. */
  @PostMapping("/v1/scores")
  ResponseEntity<JobView> create(@Valid @RequestBody ScoreRequest r,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return JobView.accepted(scores.submit(r, idempotencyKey));
  }

  @GetMapping("/v1/scores/{id}")
  JsonNode get(@PathVariable long id) {
    return scores.get(id);
  }

  /** Scores newest first, without their metrics. */
  @GetMapping("/v1/scores")
  PageView<JsonNode> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(scores.list(paging.offset(), paging.size()), paging.page(), paging.size(), scores.count());
  }

  @DeleteMapping("/v1/scores/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    scores.delete(id);
    return ResponseEntity.noContent().build();
  }
}
