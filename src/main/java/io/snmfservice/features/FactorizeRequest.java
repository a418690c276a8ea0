package io.snmfservice.features;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A factorization of one layer's activations. Either {@code k} or {@code levels} (a strictly decreasing list of
 * feature counts, the first being K) must be given. {@code fineTune} jointly refines all levels afterwards (Adam,
 * 500 steps, lr 1e-3 as in the official code, links kept non-negative).
 */
public record FactorizeRequest(
    @NotNull Long modelId,
    @NotNull Long datasetId,
    @NotNull @Min(0) Integer layer,
    String hook,
    @Min(1) @Max(100_000) Integer k,
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double sparsity,
    @Pattern(regexp = "random|svd|kmeans", message = "must be one of random, svd, kmeans") String init,
    Long seed,
    @Min(1) @Max(100_000) Integer maxIterations,
    @Min(1) @Max(100_000) Integer patience,
    @Size(min = 1, max = 6) List<@NotNull @Min(1) Integer> levels,
    @Min(1) @Max(1000) Integer topInputs,
    @Min(0) @Max(256) Integer contextWindow,
    @Min(2) @Max(8192) Integer contextLength,
    @Min(1) @Max(512) Integer batchSize,
    Boolean fineTune,
    @Min(1) @Max(64) Integer shards) {

  public static final double DEFAULT_SPARSITY = 0.01;
  public static final int DEFAULT_MAX_ITERATIONS = 1000;
  public static final int DEFAULT_PATIENCE = 50;
  public static final int DEFAULT_TOP_INPUTS = 25;
  public static final int DEFAULT_CONTEXT_WINDOW = 15;
}
