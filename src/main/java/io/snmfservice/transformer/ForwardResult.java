package io.snmfservice.transformer;

import java.util.Map;
import java.util.Set;

/**
 * Outputs of one forward pass as plain Java arrays (no native memory). Arrays are indexed by batch row and slot
 * of the {@link TokenBatch} that went in; values at padding slots are meaningless.
 */
public final class ForwardResult {

  private final int batch;
  private final int width;
  private final LogitsMode logitsMode;
  private final int vocab;
  private final float[] logits;
  private final int[] lastSlots;
  private final Map<String, float[]> captures;
  private final Map<String, Integer> captureWidths;

  ForwardResult(int batch, int width, LogitsMode logitsMode, int vocab, float[] logits, int[] lastSlots,
      Map<String, float[]> captures, Map<String, Integer> captureWidths) {
    this.batch = batch;
    this.width = width;
    this.logitsMode = logitsMode;
    this.vocab = vocab;
    this.logits = logits;
    this.lastSlots = lastSlots;
    this.captures = Map.copyOf(captures);
    this.captureWidths = Map.copyOf(captureWidths);
  }

  public int batchSize() {
    return batch;
  }

  /** Slots per row. */
  public int width() {
    return width;
  }

  /** Logits at one slot (needs {@link LogitsMode#ALL}). */
  public float[] logits(int b, int slot) {
    if (logitsMode != LogitsMode.ALL) {
      throw new IllegalStateException("per-slot logits need LogitsMode.ALL, this pass used " + logitsMode);
    }
    float[] out = new float[vocab];
    System.arraycopy(logits, (b * width + slot) * vocab, out, 0, vocab);
    return out;
  }

  /** Logits of row b's last real token (with {@link LogitsMode#ALL} or {@link LogitsMode#LAST}). */
  public float[] lastLogits(int b) {
    if (logitsMode == LogitsMode.ALL) {
      return logits(b, lastSlots[b]);
    }
    if (logitsMode == LogitsMode.NONE) {
      throw new IllegalStateException("this pass computed no logits");
    }
    float[] out = new float[vocab];
    System.arraycopy(logits, b * vocab, out, 0, vocab);
    return out;
  }

  /** All logits {@code [batch][slot][vocab]} (needs {@link LogitsMode#ALL}). */
  public float[][][] logits() {
    float[][][] out = new float[batch][width][];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < width; t++) {
        out[b][t] = logits(b, t);
      }
    }
    return out;
  }

  /** Names of the captured hook points. */
  public Set<String> captureNames() {
    return captures.keySet();
  }

  /** Row-major {@code [batch · width · d]} values of a captured hook point (no copy: do not modify). */
  public float[] captureFlat(String hookName) {
    float[] values = captures.get(hookName);
    if (values == null) {
      throw new IllegalArgumentException("hook point " + hookName + " was not captured; captured: " + captures.keySet());
    }
    return values;
  }

  /** Width d of a captured hook point. */
  public int captureWidth(String hookName) {
    captureFlat(hookName);
    return captureWidths.get(hookName);
  }

  /** The activation of a hook point at one slot. */
  public float[] capture(String hookName, int b, int slot) {
    float[] values = captureFlat(hookName);
    int d = captureWidths.get(hookName);
    float[] out = new float[d];
    System.arraycopy(values, (b * width + slot) * d, out, 0, d);
    return out;
  }

  /** The activations of a hook point {@code [batch][slot][d]}. */
  public float[][][] capture(String hookName) {
    float[][][] out = new float[batch][width][];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < width; t++) {
        out[b][t] = capture(hookName, b, t);
      }
    }
    return out;
  }
}
