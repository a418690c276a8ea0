package io.snmfservice.transformer;

import java.util.List;

/**
 * A whole checkpoint translated into the canonical layout (see {@link LayerWeights}).
 *
 * @param config sizes and switches
 * @param tokenEmbedding {@code [vocab, d]}
 * @param positionEmbedding learned positions {@code [maxContext, d]} or null (rotary models)
 * @param layers one entry per block
 * @param finalNormWeight {@code [d]}
 * @param finalNormBias {@code [d]} or null
 * @param unembedding {@code [vocab, d]} (logits = x · unembeddingᵀ); the same object as
 *     {@code tokenEmbedding} when the embeddings are tied
 */
public record CanonicalWeights(
    TransformerConfig config,
    HostTensor tokenEmbedding,
    HostTensor positionEmbedding,
    List<LayerWeights> layers,
    HostTensor finalNormWeight,
    HostTensor finalNormBias,
    HostTensor unembedding) {

  public CanonicalWeights {
    if (layers.size() != config.nLayers()) {
      throw new IllegalArgumentException("config says " + config.nLayers() + " layers, got " + layers.size());
    }
    layers = List.copyOf(layers);
  }
}
