package io.snmfservice.features.read;

import io.snmfservice.config.ConditionalOnRole;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A feature's reads: prepared answers where its factorization has them (V19), else the queries'. */
@RestController
@RequestMapping(path = "/v1/features", produces = MediaType.APPLICATION_JSON_VALUE)
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FeatureController {

  private final FeatureQueries queries;
  private final PreparedReads prepared;

  FeatureController(FeatureQueries queries, PreparedReads prepared) {
    this.queries = queries;
    this.prepared = prepared;
  }

  @GetMapping("/{id}")
  ResponseEntity<?> get(@PathVariable long id) {
    return PreparedAnswer.orElse(prepared.detail(id), () -> queries.feature(id));
  }

  @GetMapping("/{id}/top-inputs")
  ResponseEntity<?> topInputs(@PathVariable long id) {
    return PreparedAnswer.orElse(prepared.topInputs(id), () -> queries.topInputs(id));
  }

  @GetMapping("/{id}/examples")
  ResponseEntity<?> examples(@PathVariable long id) {
    return PreparedAnswer.orElse(prepared.examples(id), () -> queries.examples(id));
  }

  @GetMapping("/{id}/vocab")
  ResponseEntity<?> vocab(@PathVariable long id) {
    return PreparedAnswer.orElse(prepared.vocab(id), () -> queries.vocab(id));
  }

  @GetMapping("/{id}/parents")
  List<FeatureViews.Link> parents(@PathVariable long id) {
    return queries.parents(id);
  }

  @GetMapping("/{id}/children")
  List<FeatureViews.Link> children(@PathVariable long id) {
    return queries.children(id);
  }
}
