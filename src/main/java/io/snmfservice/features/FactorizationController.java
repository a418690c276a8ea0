package io.snmfservice.features;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.features.read.FeatureQueries;
import io.snmfservice.features.read.FeatureResponseCache;
import io.snmfservice.jobs.JobView;
import jakarta.validation.Valid;
import java.nio.file.Path;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The writes of {@code /v1/factorizations}: submit a factorization, delete one; the reads are in features/read. */
@RestController
@RequestMapping("/v1/factorizations")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FactorizationController {

  private final FactorizationService factorizations;
  private final FeatureQueries queries;
  private final FeatureResponseCache cache;

  FactorizationController(FactorizationService factorizations, FeatureQueries queries, FeatureResponseCache cache) {
    this.factorizations = factorizations;
    this.queries = queries;
    this.cache = cache;
  }

  /** Starts a {@code factorize} job; 202 with the job. */
  @PostMapping
  ResponseEntity<JobView> create(@Valid @RequestBody FactorizeRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return JobView.accepted(factorizations.submit(request, idempotencyKey));
  }

  /** Deletes the factorization, its features and its factor files (the recorded activations stay). */
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    Path dir = Path.of(queries.factorDir(id));
    queries.delete(id);
    cache.clear(); // now, so that this caller's next read is a 404; other replicas hear it from the trigger
    FactorFiles.deleteQuietly(dir);
    return ResponseEntity.noContent().build();
  }
}
