package io.snmfservice.vectors.service;

import tools.jackson.databind.JsonNode;

/**
 * A vector set as the API shows it.
 *
 * @param hook full TransformerLens hook name, e.g. {@code blocks.2.hook_resid_post}
 * @param d width of every vector
 * @param size number of vectors
 * @param encodable whether {@code POST /v1/vector-sets/{id}/encode} works (an SAE with its encoder)
 */
public record VectorSetView(long id, long modelId, String name, String source, String hook, int layer, int d, int size,
    boolean encodable, Long factorizationId, Long evaluationId, JsonNode metadata, String createdAt) {}
