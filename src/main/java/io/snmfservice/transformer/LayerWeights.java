package io.snmfservice.transformer;

/**
 * One block's weights in the canonical layout every loader produces (TransformerLens style: matrices are
 * {@code [in, out]}, so {@code y = x · W}). Nullable fields are absent in some families.
 *
 * @param attnNormWeight norm before attention {@code [d]}
 * @param attnNormBias LayerNorm bias {@code [d]} or null
 * @param qkv fused projection {@code [d, (nHeads + 2·nKvHeads)·headDim]}: query heads, then key heads, then value
 *     heads; rotary heads use the rotate-half layout (first half of each head pairs with its second half)
 * @param qkvBias {@code [(nHeads + 2·nKvHeads)·headDim]} or null
 * @param attnOut {@code [nHeads·headDim, d]}
 * @param attnOutBias {@code [d]} or null
 * @param postAttnNormWeight Gemma-2 norm on the attention output {@code [d]} or null
 * @param mlpNormWeight norm before the MLP {@code [d]}
 * @param mlpNormBias LayerNorm bias or null
 * @param mlpIn {@code [d, d_mlp]}, or {@code [d, 2·d_mlp]} = gate | up for gated MLPs
 * @param mlpInBias {@code [d_mlp]} or null
 * @param mlpOut {@code [d_mlp, d]}
 * @param mlpOutBias {@code [d]} or null
 * @param postMlpNormWeight Gemma-2 norm on the MLP output {@code [d]} or null
 */
public record LayerWeights(
    HostTensor attnNormWeight,
    HostTensor attnNormBias,
    HostTensor qkv,
    HostTensor qkvBias,
    HostTensor attnOut,
    HostTensor attnOutBias,
    HostTensor postAttnNormWeight,
    HostTensor mlpNormWeight,
    HostTensor mlpNormBias,
    HostTensor mlpIn,
    HostTensor mlpInBias,
    HostTensor mlpOut,
    HostTensor mlpOutBias,
    HostTensor postMlpNormWeight) {}
