package io.snmfservice.explanations.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.config.SnmfProperties;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.jobs.JobService;
import io.snmfservice.jobs.JobView;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class ExplainController {

  private final DescriptionStore store;
  private final JobService jobs;
  private final SnmfProperties.Judge judge;
  private final JsonMapper json;

  ExplainController(DescriptionStore store, JobService jobs, SnmfProperties properties, JsonMapper json) {
    this.store = store;
    this.jobs = jobs;
    this.judge = properties.judge();
    this.json = json;
  }

  /** Starts an {@code explain} job for a factorization's features; 202 with the job. */
  @PostMapping("/v1/factorizations/{id}/explain")
  ResponseEntity<JobView> explain(@PathVariable long id, @Valid @RequestBody(required = false) ExplainRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    ExplainRequest r = request == null ? new ExplainRequest(null, null, null, null) : request;
    if (!store.factorizationExists(id)) {
      throw new NotFound("factorization", id);
    }
    if (!judge.enabled()) {
      throw Invalid.value("feature descriptions need the LLM judge endpoint: set snmf.judge.base-url");
    }
    List<Long> features;
    if (r.featureIds() != null && !r.featureIds().isEmpty()) {
      features = store.featuresOf(id, r.featureIds());
      if (features.size() != r.featureIds().stream().distinct().count()) {
        throw Invalid.value("featureIds", "featureIds must all be features of factorization " + id);
      }
    } else {
      features = store.features(id, r.level() == null ? 0 : r.level());
      if (features.isEmpty()) {
        throw Invalid.value("factorization " + id + " has no features at level "
            + (r.level() == null ? 0 : r.level()));
      }
    }
    ExplainSettings settings = ExplainSettings.withDefaults(id, r, features);
    return JobView.accepted(jobs.submit(ExplainJobHandler.TYPE, settings.toJson(json), 0, idempotencyKey));
  }

  @GetMapping("/v1/features/{id}/description")
  JsonNode description(@PathVariable long id) {
    return store.description(id);
  }
}
