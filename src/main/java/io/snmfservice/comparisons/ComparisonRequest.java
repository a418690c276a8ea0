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
    @Valid Steering steering) {

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
}
