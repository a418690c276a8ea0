package io.snmfservice.transformer;

/** The MLP's nonlinearity; {@code hook_post} is its output, the input of the output projection. */
public enum MlpType {
  /** {@code silu(W_gate x) * (W_up x)} (Llama). */
  GATED_SILU(true),
  /** {@code gelu_tanh(W_gate x) * (W_up x)} (Gemma-2). */
  GATED_GELU_TANH(true),
  /** {@code gelu_new(x W_in + b_in)} (GPT-2). */
  GELU_TANH(false);

  private final boolean gated;

  MlpType(boolean gated) {
    this.gated = gated;
  }

  /** Whether the input projection holds gate and up halves ({@code [d_model, 2·d_mlp]}). */
  public boolean gated() {
    return gated;
  }
}
