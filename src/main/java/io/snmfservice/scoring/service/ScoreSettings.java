package io.snmfservice.scoring.service;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code score} job's parameters: the validated request with every default filled in and the in-sample dataset
 * of a factorization resolved at submission. Stored with the results as the score's settings.
 *
 * @param hook full hook name
 * @param inSampleDatasetId the factorization's own dataset, or null for a vector set
 * @param inSampleContextLength the window length the factorization recorded with (so in-sample means its tokens)
 * @param firingThreshold the SNMF firing rule's share of ‖x‖ (unused for SAEs, which fire when &gt; 0)
 */
record ScoreSettings(long modelId, String hook, Long factorizationId, Integer level, Long vectorSetId,
    long datasetId, Long inSampleDatasetId, int inSampleContextLength, int maxDocuments, int contextLength,
    double firingThreshold, double denseThreshold) {

  static final int DEFAULT_MAX_DOCUMENTS = 200;

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static ScoreSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, ScoreSettings.class);
  }
}
