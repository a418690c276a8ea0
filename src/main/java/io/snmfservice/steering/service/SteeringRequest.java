package io.snmfservice.steering.service;

import io.snmfservice.vectors.service.MemberRef;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A steering run: stored features (their layer is the factorization's), vector-set members (at their set's hook
 * point) and/or raw d_mlp vectors at {@code layer}, steered at each KL target with each sign from the base prompts.
 */
public record SteeringRequest(
    @NotNull Long modelId,
    @Min(0) Integer layer,
    @Size(max = 32) List<@NotNull Long> featureIds,
    @Size(max = 32) List<float[]> vectors,
    @Size(max = 32) List<@Valid @NotNull MemberRef> members,
    @Size(max = 16) List<String> prompts,
    @Size(min = 1, max = 20) List<@NotNull Double> klTargets,
    @Size(min = 1, max = 2) List<@NotNull String> signs,
    @Size(min = 2, max = 2) List<@NotNull Double> alphaRange,
    Double tolerance,
    @Min(0) @Max(64) Integer generations,
    @Min(0) @Max(256) Integer newTokens,
    @Min(0) @Max(100_000) Integer topK,
    Double topP,
    Double temperature,
    Long seed) {}
