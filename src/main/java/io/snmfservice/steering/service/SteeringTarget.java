package io.snmfservice.steering.service;

import io.snmfservice.transformer.HookPoint;

/**
 * One vector to steer with: a stored feature's direction, a vector-set member, or a raw vector (featureId and
 * vectorSetId null), at one hook point of one layer.
 */
public record SteeringTarget(Long featureId, int layer, float[] vector, HookPoint.Kind hook, Long vectorSetId,
    Integer vectorIndex) {

  /** An mlp.hook_post feature or raw vector. */
  public SteeringTarget(Long featureId, int layer, float[] vector) {
    this(featureId, layer, vector, HookPoint.Kind.MLP_POST, null, null);
  }
}
