package io.snmfservice.evaluation.service;

import io.snmfservice.evaluation.ConceptComparison;
import io.snmfservice.transformer.HookPoint;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@code evaluate} job's parameters: the validated request with the hook's full name and every candidate's vector
 * resolved at submission. Stored with the results as the evaluation's settings.
 */
record EvaluationSettings(long modelId, int layer, String hook, List<EvaluationRequest.Concept> concepts,
    List<Candidate> candidates) {

  /** A vector to score: its method ({@code snmf}, {@code vector}, {@code vector-set-N}), its id there, its entries. */
  record Candidate(String method, String id, float[] vector) {

    ConceptComparison.Candidate forComparison() {
      return new ConceptComparison.Candidate(method, id, vector);
    }
  }

  /** The full hook name; jobs queued before hooks existed read {@code mlp.hook_post}. */
  String hookName() {
    return hook == null ? HookPoint.mlpPost(layer) : hook;
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static EvaluationSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, EvaluationSettings.class);
  }
}
