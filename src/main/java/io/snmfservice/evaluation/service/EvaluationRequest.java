package io.snmfservice.evaluation.service;

import io.snmfservice.vectors.service.MemberRef;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Concept detection at one layer: for each labelled concept (sentences that carry it, neutral sentences that do
 * not), a DiffMeans vector is fitted on half of each set and every candidate (DiffMeans, stored features, raw
 * vectors, vector-set members) is scored on the other half by AUROC and best-threshold accuracy. Activations are
 * read at {@code blocks.{layer}.{hook}}, hook one of {@code mlp.hook_post} (the default), {@code hook_resid_pre},
 * {@code hook_mlp_out}, {@code hook_resid_post}; every candidate must live there.
 */
public record EvaluationRequest(
    @NotNull Long modelId,
    @NotNull @Min(0) Integer layer,
    @NotEmpty @Size(max = 20) List<@Valid @NotNull Concept> concepts,
    @Size(max = 200) List<@NotNull Long> featureIds,
    @Size(max = 50) List<@Valid @NotNull NamedVector> vectors,
    @Size(max = 200) List<@Valid @NotNull MemberRef> members,
    String hook) {

  /** Sentences with and without a concept; each list needs at least 2 sentences (one to fit, one to score). */
  public record Concept(@NotBlank String name, @NotNull @Size(min = 2, max = 5000) List<@NotBlank String> sentences,
      @NotNull @Size(min = 2, max = 5000) List<@NotBlank String> neutral) {}

  public record NamedVector(@NotBlank String name, @NotNull float[] vector) {}
}
