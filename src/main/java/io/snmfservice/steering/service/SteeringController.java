package io.snmfservice.steering.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.jobs.JobView;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import java.util.List;
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
class SteeringController {

  private final SteeringService steering;
  private final SteeringStore store;
  private final InteractiveSteering interactive;

  SteeringController(SteeringService steering, SteeringStore store, InteractiveSteering interactive) {
    this.steering = steering;
    this.store = store;
    this.interactive = interactive;
  }

  /** Starts a {@code steer} job; 202 with the job. */
  @PostMapping("/v1/steering")
  ResponseEntity<JobView> create(@Valid @RequestBody SteeringRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return JobView.accepted(steering.submit(request, idempotencyKey));
  }

  @GetMapping("/v1/steering")
  PageView<JsonNode> list(@RequestParam(required = false) Long modelId, @RequestParam(required = false) Long featureId,
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(store.runs(modelId, featureId, paging.offset(), paging.size()), paging.page(),
        paging.size(), store.countRuns(modelId, featureId));
  }

  /** Deletes a steering run with its outcomes and causal scores. */
  @DeleteMapping("/v1/steering/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    store.delete(id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/v1/steering/{id}")
  JsonNode get(@PathVariable long id) {
    return store.run(id);
  }

  @GetMapping("/v1/features/{id}/causal-scores")
  JsonNode causalScores(@PathVariable long id) {
    return store.causalScores(id);
  }

  /** One synchronous steered generation, bounded in tokens and in concurrency. */
  @PostMapping("/v1/steer")
  InteractiveSteering.SteerResponse steer(@Valid @RequestBody SteerRequest r) {
    return interactive.steer(r);
  }
}
