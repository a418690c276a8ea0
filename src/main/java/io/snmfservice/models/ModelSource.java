package io.snmfservice.models;

/** Where a model's weights come from. */
public enum ModelSource {
  /** Hugging Face hub repository id + revision, fetched into the local HF cache by the first job that needs it. */
  HF_HUB,
  /** A local directory in Hugging Face layout (config.json, *.safetensors, tokenizer.json). */
  LOCAL_DIR,
  /** A llama2.c checkpoint file ({@code .bin}). */
  LLAMA2C
}
