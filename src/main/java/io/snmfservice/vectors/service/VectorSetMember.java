package io.snmfservice.vectors.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.snmfservice.transformer.HookPoint;

/**
 * One direction of a vector set, with where it lives in the model.
 *
 * @param label e.g. {@code latent-17}, {@code feature-42}, {@code diffmeans:german}
 * @param featureId the SNMF feature it came from, or null
 * @param norm ‖vector‖ as stored
 */
public record VectorSetMember(long vectorSetId, int index, String label, Long featureId, int layer,
    @JsonIgnore HookPoint.Kind hook,
    double norm, float[] vector) {

  /** The TransformerLens hook name (shown as {@code hook}). */
  @JsonProperty("hook")
  public String hookName() {
    return new HookPoint(layer, hook).name();
  }
}
