package io.snmfservice.evaluation;

/**
 * One line of the method comparison table: how well one vector detects one concept.
 *
 * @param method where the vector comes from, e.g. {@code snmf} or {@code diffmeans}
 * @param vectorId the feature id (SNMF) or a name for a computed vector (e.g. {@code diffmeans:<concept>})
 * @param concept the concept's name
 * @param auroc concept-detection AUROC
 * @param accuracy accuracy at the best threshold
 */
public record ComparisonRow(String method, String vectorId, String concept, double auroc, double accuracy) {}
