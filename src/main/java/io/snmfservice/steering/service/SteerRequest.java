package io.snmfservice.steering.service;

import io.snmfservice.vectors.service.MemberRef;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** One interactive steered generation: a feature, a vector-set member or a raw vector, one signed alpha, a few tokens. */
public record SteerRequest(
    @NotNull Long modelId,
    @Min(0) Integer layer,
    Long featureId,
    @Size(max = SteerRequest.MAX_VECTOR) float[] vector,
    @Valid MemberRef member,
    @NotBlank @Size(max = 2000) String prompt,
    @NotNull Double alpha,
    @Min(1) @Max(SteerRequest.MAX_NEW_TOKENS) Integer newTokens,
    Long seed) {

  public static final int MAX_NEW_TOKENS = 64;
  /** Wider than any residual stream served here; bounds the body and the parse. */
  public static final int MAX_VECTOR = 65536;
}
