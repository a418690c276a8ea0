package io.snmfservice.models;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A {@code download-model} job's parameters: the registered hub model whose files to fetch. */
record DownloadSettings(long modelId) {

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static DownloadSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, DownloadSettings.class);
  }
}
