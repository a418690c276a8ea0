package io.snmfservice.comparisons;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.snmfservice.steering.SteeringSettings;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code compare} job's parameters: the validated request with each method resolved to its kind and full hook
 * name and every steering default filled in. Stored with the results as the comparison's settings.
 */
record ComparisonSettings(long modelId, List<ComparisonRequest.Concept> concepts, List<Method> methods,
    Steering steering, @JsonInclude(JsonInclude.Include.NON_NULL) Probing probing,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> coreMetrics) {

  static final String FACTORIZATION = "factorization";
  static final String VECTOR_SET = "vector-set";
  static final String DIFF_MEANS = "diffmeans";

  /**
   * One method: {@code kind} {@value #FACTORIZATION} (its features at {@code level}), {@value #VECTOR_SET} (all
   * members of the set) or {@value #DIFF_MEANS} (fitted per concept), read at {@code hook}, e.g.
   * {@code blocks.2.mlp.hook_post}. Ids a kind does not use are absent.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Method(String name, String kind, Long factorizationId, Integer level, Long vectorSetId, String hook) {

    static Method factorization(String name, long factorizationId, int level, String hook) {
      return new Method(name, FACTORIZATION, factorizationId, level, null, hook);
    }

    static Method vectorSet(String name, long vectorSetId, String hook) {
      return new Method(name, VECTOR_SET, null, null, vectorSetId, hook);
    }

    static Method diffMeans(String name, String hook) {
      return new Method(name, DIFF_MEANS, null, null, null, hook);
    }

    boolean diffMeans() {
      return kind.equals(DIFF_MEANS);
    }
  }

  /** The steering protocol; no KL targets means no steering. */
  record Steering(List<Double> klTargets, List<String> signs, List<String> prompts, List<Double> alphaRange,
      double tolerance, double topP, double temperature, int generations, int newTokens, int topK, long seed) {

    /** What the steering runner needs, or null when no KL target is asked for. */
    SteeringSettings runnerSettings() {
      if (klTargets.isEmpty()) {
        return null;
      }
      return SteeringSettings.of(klTargets, signs, alphaRange, tolerance, generations, newTokens, temperature, topK,
          topP, seed);
    }
  }

  /**
   * Sparse probing at each k (and on all candidates) and budget curves at each budget (and all); null when
   * skipped.
   */
  record Probing(List<Integer> ks, List<Integer> budgets, int draws, long seed) {}

  /** Method name to its core-metrics run settings, for the methods that can reconstruct; empty when none asked. */
  public Map<String, JsonNode> coreMetrics() {
    return coreMetrics == null ? Map.of() : coreMetrics;
  }

  JsonNode toJson(JsonMapper json) {
    return json.valueToTree(this);
  }

  static ComparisonSettings fromJson(JsonMapper json, JsonNode node) {
    return json.treeToValue(node, ComparisonSettings.class);
  }
}
