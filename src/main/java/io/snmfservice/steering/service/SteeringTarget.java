package io.snmfservice.steering.service;

/** One vector to steer with: a stored feature's direction, or a raw vector (featureId null). */
public record SteeringTarget(Long featureId, int layer, float[] vector) {}
