package io.snmfservice.scoring.service;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Core metrics of one method at its hook (docs/metrics.md): exactly one of a factorization level
 * ({@code factorizationId}, {@code level}, default 0 = the K features of A; scored in-sample on its own dataset and
 * held-out on {@code datasetId}) or an encodable vector set ({@code vectorSetId}: an SAE with its encoder; scored on
 * {@code datasetId}). {@code hook}, when given, must be the method's hook.
 */
public record ScoreRequest(
    Long factorizationId,
    @Min(0) Integer level,
    Long vectorSetId,
    @NotNull Long datasetId,
    String hook,
    @Min(1) @Max(10_000) Integer maxDocuments,
    @Min(2) @Max(8192) Integer contextLength,
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double firingThreshold,
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double denseThreshold) {}
