package io.snmfservice.features.read;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** What the feature API returns (and the dashboard shows). */
public final class FeatureViews {

  private FeatureViews() {}

  public record Factorization(long id, Long jobId, long modelId, long datasetId, long activationSetId, int layer, String hook,
      List<Integer> levels, JsonNode settings, int d, long nTokens, int iterations, int bestIteration,
      List<Double> lossCurve, double relativeError, JsonNode timings, Instant createdAt) {}

  public record FeatureSummary(long id, long factorizationId, int level, int index, double frequency, double meanActivation,
      double maxActivation, List<String> promotedTokens, String description) {}

  public record FeatureDetail(long id, long factorizationId, int level, int index, double frequency, double meanActivation,
      double maxActivation, JsonNode histogram, List<Float> direction, int parents, int children, String description,
      Double detectionAccuracy, Double fuzzingAccuracy) {}

  public record TopInput(int rank, int document, int position, int tokenId, String token, float activation,
      int contextStart, List<Integer> contextTokenIds, List<String> contextTokens, List<Float> contextActivations,
      String contextText, List<String> contextPieces) {}

  /**
   * A token sampled from activation bin {@code bin} (0 = weakest), spanning (binLow, binHigh]. Quantile bins carry
   * the share of the feature's active tokens in the bin and whether bounds and share are exact; both are absent
   * (not even null, so older prepared answers stay byte-identical) for the equal-width intervals of factorizations
   * interpreted before quantile bins (V20).
   */
  public record Example(int bin, float binLow, float binHigh,
      @JsonInclude(JsonInclude.Include.NON_NULL) Float binFraction,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean binExact, TopInput input) {}

  public record VocabToken(int rank, int tokenId, String token, float logit) {}

  public record VocabProjection(long featureId, List<VocabToken> promoted, List<VocabToken> suppressed) {}

  public record Link(FeatureSummary feature, float weight) {}
}
