package io.snmfservice.vectors.service;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A vector set made from stored results: {@code source = factorization} (the features of one level of a
 * factorization, default level 0) or {@code source = diffmeans} (the DiffMeans vectors of an evaluation).
 */
public record CreateVectorSetRequest(
    @NotBlank @Size(max = 200) String name,
    @NotBlank String source,
    Long factorizationId,
    @Min(0) Integer level,
    Long evaluationId) {}
