package io.snmfservice.comparisons;

import tools.jackson.databind.node.ArrayNode;

/**
 * One cell of the comparison table: a method's best candidate for a concept, how well it detects the concept on the
 * held-out sentences, and what steering with it did.
 *
 * @param candidate label of the chosen direction (e.g. {@code latent-127}, {@code feature-42}, {@code diffmeans:german})
 * @param candidateIndex its row among the method's candidates
 * @param candidates how many candidates the method offered
 * @param trainAuroc detection AUROC on the training half (the selection criterion)
 * @param steering per KL target and sign: alpha, kl, status, offline scores, judge means
 * @param probing sparse probes per k (and on all candidates), or null when probing was skipped
 * @param budgets the budget curve, or null (skipped, or DiffMeans: one candidate)
 */
record ComparisonCell(String method, String concept, String candidate, int candidateIndex, int candidates,
    Long featureId, Long vectorSetId, int layer, String hook, float[] vector, double trainAuroc, double auroc,
    double accuracy, double threshold, ArrayNode steering, ArrayNode probing, ArrayNode budgets) {}
