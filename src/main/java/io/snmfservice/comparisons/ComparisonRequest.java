package io.snmfservice.comparisons;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The paper's comparison: for each labelled concept and each method, the method's best candidate direction (chosen
 * by detection AUROC on the training half of the sentences: even positions), its detection AUROC and accuracy on the
 * held-out half (odd positions), and KL-calibrated steering with offline (and judge) causal scores.
 */
public record ComparisonRequest(
    @NotNull Long modelId,
    @NotEmpty @Size(max = 20) List<@Valid @NotNull Concept> concepts,
    @NotEmpty @Size(max = 10) List<@Valid @NotNull Method> methods,
    @Valid Steering steering,
    @Valid Probing probing,
    @Valid CoreMetrics coreMetrics) {

  /**
   * Sentences that carry the concept and neutral ones; {@code description} (optional) is what the judge rates
   * steered text against (default: "text related to &lt;name&gt;").
   */
  public record Concept(@NotBlank @Size(max = 100) String name, @Size(max = 500) String description,
      @NotNull @Size(min = 2, max = 2000) List<@NotBlank String> sentences,
      @NotNull @Size(min = 2, max = 2000) List<@NotBlank String> neutral) {}

  /**
   * One method: exactly one of a factorization (its features at {@code level}, default 0), a vector set (all its
   * members), or {@code diffMeans: true} (fitted per concept on the training half at {@code layer} and {@code hook},
   * default mlp.hook_post).
   */
  public record Method(@NotBlank @Size(max = 100) String name, Long factorizationId, @Min(0) Integer level,
      Long vectorSetId, Boolean diffMeans, @Min(0) Integer layer, String hook) {}

  /**
   * Steering protocol settings; absent (or empty) fields take the paper's defaults; {@code enabled: false} skips
   * steering.
   */
  public record Steering(Boolean enabled, @Size(max = 20) List<@NotNull Double> klTargets, @Size(max = 2) List<@NotNull String> signs,
      @Size(max = 16) List<@NotBlank String> prompts, @Min(0) @Max(64) Integer generations,
      @Min(0) @Max(256) Integer newTokens, Long seed, @Size(min = 2, max = 2) List<@NotNull Double> alphaRange,
      Double tolerance, @Min(0) @Max(100_000) Integer topK, Double topP, Double temperature) {}

  /**
   * Sparse probing and equal-budget curves (docs/metrics.md). Absent fields take the defaults: {@code ks} [1, 2, 5]
   * (every method is also probed on all its candidates), {@code budgets} [16, 64, 256] (and all), 5 draws per
   * budget, seed 0; {@code enabled: false} skips both.
   */
  public record Probing(Boolean enabled, @Size(max = 8) List<@NotNull @Min(1) @Max(100_000) Integer> ks,
      @Size(max = 8) List<@NotNull @Min(1) @Max(1_000_000) Integer> budgets, @Min(1) @Max(50) Integer draws,
      Long seed) {}

  /**
   * Core metrics (explained variance, CE loss recovered, KL, L0, density) of every method that can reconstruct —
   * factorization levels (in-sample and held-out) and SAE vector sets with an encoder — on the held-out dataset
   * {@code datasetId}; the score job's defaults apply to the rest.
   */
  public record CoreMetrics(@NotNull Long datasetId, @Min(1) @Max(10_000) Integer maxDocuments,
      @Min(2) @Max(8192) Integer contextLength) {}
}
