package io.snmfservice.features;

import io.snmfservice.activations.CollectRequest;
import io.snmfservice.activations.HookName;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A validated factorization request with every default filled in: the job's parameters. */
public record FactorizationSettings(
    long modelId, long datasetId, int layer, String hook, List<Integer> levels, double sparsity, String init,
    long seed, int maxIterations, int patience, int topInputs, int contextWindow, int contextLength, int batchSize,
    boolean fineTune) {

  public int k() {
    return levels.get(0);
  }

  static FactorizationSettings withDefaults(FactorizeRequest r, List<Integer> levels) {
    return new FactorizationSettings(r.modelId(), r.datasetId(), r.layer(),
        r.hook() == null ? HookName.MLP_POST : r.hook(), List.copyOf(levels),
        r.sparsity() == null ? FactorizeRequest.DEFAULT_SPARSITY : r.sparsity(),
        r.init() == null ? "random" : r.init(), r.seed() == null ? 0L : r.seed(),
        maxIterations(r),
        r.patience() == null ? Math.min(FactorizeRequest.DEFAULT_PATIENCE, maxIterations(r)) : r.patience(),
        r.topInputs() == null ? FactorizeRequest.DEFAULT_TOP_INPUTS : r.topInputs(),
        r.contextWindow() == null ? FactorizeRequest.DEFAULT_CONTEXT_WINDOW : r.contextWindow(),
        r.contextLength() == null ? CollectRequest.DEFAULT_CONTEXT : r.contextLength(),
        r.batchSize() == null ? CollectRequest.DEFAULT_BATCH : r.batchSize(),
        Boolean.TRUE.equals(r.fineTune()));
  }

  private static int maxIterations(FactorizeRequest r) {
    return r.maxIterations() == null ? FactorizeRequest.DEFAULT_MAX_ITERATIONS : r.maxIterations();
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static FactorizationSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, FactorizationSettings.class);
  }
}
