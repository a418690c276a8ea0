package io.snmfservice.features.read;

import io.snmfservice.config.ConditionalOnRole;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/features")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class FeatureController {

  private final FeatureQueries queries;

  FeatureController(FeatureQueries queries) {
    this.queries = queries;
  }

  @GetMapping("/{id}")
  FeatureViews.FeatureDetail get(@PathVariable long id) {
    return queries.feature(id);
  }

  @GetMapping("/{id}/top-inputs")
  List<FeatureViews.TopInput> topInputs(@PathVariable long id) {
    return queries.topInputs(id);
  }

  @GetMapping("/{id}/examples")
  List<FeatureViews.Example> examples(@PathVariable long id) {
    return queries.examples(id);
  }

  @GetMapping("/{id}/vocab")
  FeatureViews.VocabProjection vocab(@PathVariable long id) {
    return queries.vocab(id);
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
