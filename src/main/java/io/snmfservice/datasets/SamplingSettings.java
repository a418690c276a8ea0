package io.snmfservice.datasets;

import io.snmfservice.transformer.SamplingConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A {@code sample-dataset} job's parameters: the dataset's name and how to sample it, defaults filled in. */
record SamplingSettings(String name, long modelId, int count, int length, long seed, double temperature, int topK,
    double topP) {

  static SamplingSettings of(CreateDatasetRequest r) {
    return new SamplingSettings(r.name(), r.modelId(), r.count(), r.length(), r.seed() == null ? 0L : r.seed(),
        r.temperature() == null ? 1.0 : r.temperature(), r.topK() == null ? 0 : r.topK(),
        r.topP() == null ? 1.0 : r.topP());
  }

  SamplingConfig sampling() {
    return SamplingConfig.sample((float) temperature, topK, (float) topP);
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static SamplingSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, SamplingSettings.class);
  }
}
