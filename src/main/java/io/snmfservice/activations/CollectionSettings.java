package io.snmfservice.activations;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code collect} job's parameters: the validated request with its defaults filled in, layers distinct and
 * sorted; {@code shards} only when the request named it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CollectionSettings(long modelId, long datasetId, List<Integer> layers, String hook, int contextLength,
    int batchSize, Integer shards) {

  static CollectionSettings of(CollectRequest r) {
    return new CollectionSettings(r.modelId(), r.datasetId(), r.layers().stream().distinct().sorted().toList(),
        r.hook() == null ? HookName.MLP_POST : r.hook(),
        r.contextLength() == null ? CollectRequest.DEFAULT_CONTEXT : r.contextLength(),
        r.batchSize() == null ? CollectRequest.DEFAULT_BATCH : r.batchSize(), r.shards());
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static CollectionSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, CollectionSettings.class);
  }
}
