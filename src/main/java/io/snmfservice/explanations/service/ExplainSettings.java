package io.snmfservice.explanations.service;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@code explain} job's parameters: the factorization, the features to describe (resolved at submission), the
 * top contexts the judge is shown and the held-out texts of each kind that score a description.
 */
record ExplainSettings(long factorizationId, int contexts, int detectionContexts, List<Long> featureIds) {

  static final int DEFAULT_CONTEXTS = 10;
  static final int DEFAULT_DETECTION_CONTEXTS = 5;

  static ExplainSettings withDefaults(long factorizationId, ExplainRequest r, List<Long> featureIds) {
    return new ExplainSettings(factorizationId, r.contexts() == null ? DEFAULT_CONTEXTS : r.contexts(),
        r.detectionContexts() == null ? DEFAULT_DETECTION_CONTEXTS : r.detectionContexts(), List.copyOf(featureIds));
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static ExplainSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, ExplainSettings.class);
  }
}
