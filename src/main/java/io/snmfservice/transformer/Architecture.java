package io.snmfservice.transformer;

/** Model families the forward pass supports; each maps to a few switches in {@link TransformerConfig}. */
public enum Architecture {
  /** Llama family: llama2.c checkpoints and Hugging Face {@code LlamaForCausalLM}. */
  LLAMA("llama"),
  /** Hugging Face {@code GPT2LMHeadModel}. */
  GPT2("gpt2"),
  /** Hugging Face {@code Gemma2ForCausalLM}. */
  GEMMA2("gemma2");

  private final String modelType;

  Architecture(String modelType) {
    this.modelType = modelType;
  }

  /** The Hugging Face {@code model_type} string of this family. */
  public String modelType() {
    return modelType;
  }
}
