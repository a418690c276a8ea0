package io.snmfservice.steering.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.snmfservice.steering.SteeringSettings;
import io.snmfservice.transformer.HookPoint;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code steer} job's parameters: the validated request with every default filled in. Each stored run keeps them,
 * without the targets, as its settings.
 */
record SteeringJobSettings(long modelId, List<Target> targets, List<String> prompts, List<Double> klTargets,
    List<String> signs, List<Double> alphaRange, double tolerance, int generations, int newTokens, int topK,
    double topP, double temperature, long seed) {

  /**
   * One vector: a stored feature (its direction is read when the job runs) or a raw vector, optionally a vector-set
   * member, at a hook point (absent in jobs queued before hooks existed: {@code mlp.hook_post}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Target(int layer, String hook, Long featureId, float[] vector, Long vectorSetId, Integer index) {

    static Target of(SteeringTarget t) {
      return new Target(t.layer(), t.hook().suffix(), t.featureId(), t.featureId() == null ? t.vector() : null,
          t.vectorSetId(), t.vectorSetId() == null ? null : t.vectorIndex());
    }

    HookPoint.Kind hookKind() {
      return hook == null ? HookPoint.Kind.MLP_POST : HookPoint.Kind.ofSuffix(hook);
    }
  }

  /** What the steering runner needs: KL targets, signs, the alpha search and how to generate. */
  SteeringSettings runnerSettings() {
    return SteeringSettings.of(klTargets, signs, alphaRange, tolerance, generations, newTokens, temperature, topK, topP,
        seed);
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  /** The settings stored with each run. */
  JsonNode withoutTargets(JsonMapper json) {
    ObjectNode node = json.valueToTree(this);
    node.remove("targets");
    return node;
  }

  static SteeringJobSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, SteeringJobSettings.class);
  }
}
