package io.snmfservice.datasets;

/** What a dataset's documents hold. */
public enum DatasetKind {
  /** Raw text, tokenized by the model that reads it. */
  TEXT,
  /** Token id sequences, fed to the model as they are. */
  TOKENS,
  /** Token sequences sampled from a registered model. */
  MODEL_SAMPLES
}
