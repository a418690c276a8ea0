package io.snmfservice.explanations.service;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Which features of a factorization to describe (the given ids, else every feature of {@code level}, default 0),
 * how many top contexts the judge sees ({@code contexts}, default 10) and how many held-out activating and
 * non-activating texts score each description ({@code detectionContexts} of each, default 5).
 */
public record ExplainRequest(@Min(0) Integer level, @Size(max = 1000) List<@NotNull Long> featureIds,
    @Min(1) @Max(50) Integer contexts, @Min(1) @Max(25) Integer detectionContexts) {}
