package io.snmfservice.transformer;

/** Normalisation used before attention, MLP and unembedding. */
public enum NormType {
  /** {@code x / sqrt(mean(x²) + eps) * w} (Llama; Gemma-2 after its loader folds the {@code 1 + w}). */
  RMS,
  /** {@code (x - mean) / sqrt(var + eps) * w + b} (GPT-2). */
  LAYER
}
