package io.snmfservice.activations;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A {@code collect-shard} job's parameters: shard {@code shard} of {@code shards} of a collection's layers. */
record CollectShardSettings(long modelId, long datasetId, List<Integer> layers, String hook, int contextLength,
    int batchSize, int shard, int shards) {

  ActivationCollector.Slice slice() {
    return new ActivationCollector.Slice(shard, shards);
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static CollectShardSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, CollectShardSettings.class);
  }
}
