package io.snmfservice.transformer;

/** Which logits a forward pass computes and returns. */
public enum LogitsMode {
  /** Logits of every position ({@code [batch][seq][vocab]}). */
  ALL,
  /** Logits of each sequence's last real token only ({@code [batch][1][vocab]}): generation, KL at the prompt end. */
  LAST,
  /** No logits: the pass stops after the last block any capture needs (activation collection). */
  NONE
}
