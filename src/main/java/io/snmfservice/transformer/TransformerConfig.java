package io.snmfservice.transformer;

/**
 * Everything the forward pass needs to know about a checkpoint: sizes, facts callers ask for
 * ({@link #nLayers()}, {@link #dMlp()}, {@link #bosId()}, …) and the few per-family switches.
 *
 * @param architecture model family
 * @param nLayers number of transformer blocks
 * @param dModel residual stream width
 * @param nHeads query heads
 * @param nKvHeads key/value heads (grouped-query attention when fewer than {@code nHeads})
 * @param headDim width of one head
 * @param dMlp MLP width = size of {@code blocks.L.mlp.hook_post}
 * @param vocabSize vocabulary size (logit count)
 * @param maxContext longest sequence the model supports (positions 0 … maxContext−1)
 * @param normType RMSNorm or LayerNorm
 * @param normEps epsilon of every norm
 * @param mlpType MLP nonlinearity
 * @param rotary true for rotary position embeddings (rotate-half convention), false for learned ones
 * @param ropeTheta rotary base
 * @param ropeScaling Llama-3 frequency scaling, or null
 * @param attnScale factor applied to q·k (1/√headDim, Gemma-2: query_pre_attn_scalar^−½)
 * @param attnSoftcap attention logit soft-cap c (scores → c·tanh(s/c)); 0 = none
 * @param finalSoftcap final logit soft-cap; 0 = none
 * @param slidingWindow local attention window on even layers (0 = none): key k visible from query q iff q−k &lt; window
 * @param postNorms Gemma-2 extra norms after attention and after the MLP
 * @param embeddingScale factor on token embeddings (Gemma-2: √dModel)
 * @param bosId beginning-of-sequence id (−1 when the model has none)
 * @param eosId end-of-sequence id (−1 when the model has none)
 */
public record TransformerConfig(
    Architecture architecture,
    int nLayers,
    int dModel,
    int nHeads,
    int nKvHeads,
    int headDim,
    int dMlp,
    int vocabSize,
    int maxContext,
    NormType normType,
    float normEps,
    MlpType mlpType,
    boolean rotary,
    double ropeTheta,
    RopeScaling ropeScaling,
    float attnScale,
    float attnSoftcap,
    float finalSoftcap,
    int slidingWindow,
    boolean postNorms,
    float embeddingScale,
    int bosId,
    int eosId) {

  public TransformerConfig {
    if (nHeads % nKvHeads != 0) {
      throw new IllegalArgumentException("nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
    }
    if (rotary && headDim % 2 != 0) {
      throw new IllegalArgumentException("rotary embeddings need an even head dimension, got " + headDim);
    }
  }

  /** Whether layer {@code layer} attends only to the last {@link #slidingWindow()} positions (Gemma-2: even layers). */
  public boolean slidingWindowOn(int layer) {
    return slidingWindow > 0 && layer % 2 == 0;
  }

  /** Architecture name as Hugging Face's {@code model_type} spells it. */
  public String architectureName() {
    return architecture.modelType();
  }
}
