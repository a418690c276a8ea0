package io.snmfservice.vectors.service;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** A vector-set member named in a request: set id and row index. */
public record MemberRef(@NotNull Long vectorSetId, @NotNull @Min(0) Integer index) {}
