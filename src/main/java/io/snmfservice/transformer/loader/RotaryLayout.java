package io.snmfservice.transformer.loader;

import io.snmfservice.transformer.HostTensor;

/**
 * RoPE conventions: llama2.c rotates interleaved pairs (x₀,x₁),(x₂,x₃)… of each head; the canonical layout (and
 * Hugging Face) rotates halves (x_i, x_{i+h/2}). Permuting the output rows of wq and wk within each head maps one
 * onto the other (llama2.c's export script does the same); q·k is unchanged because both sides move alike.
 */
public final class RotaryLayout {

  private RotaryLayout() {}

  /** Rows {@code [heads·headDim, in]}: new row {@code j·headDim/2 + i} of a head = old row {@code 2i + j}. */
  public static HostTensor interleavedToHalves(HostTensor w, int heads, int headDim) {
    return permuteRows(w, heads, headDim, true);
  }

  /** The inverse of {@link #interleavedToHalves}. */
  public static HostTensor halvesToInterleaved(HostTensor w, int heads, int headDim) {
    return permuteRows(w, heads, headDim, false);
  }

  private static HostTensor permuteRows(HostTensor w, int heads, int headDim, boolean toHalves) {
    int cols = w.dim(1);
    if (w.dim(0) != heads * headDim) {
      throw new IllegalArgumentException("expected " + heads * headDim + " rows, got " + w.dim(0));
    }
    int half = headDim / 2;
    float[] out = new float[w.data().length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int halvesRow = h * headDim + j * half + i;
          int interleavedRow = h * headDim + 2 * i + j;
          int from = toHalves ? interleavedRow : halvesRow;
          int to = toHalves ? halvesRow : interleavedRow;
          System.arraycopy(w.data(), from * cols, out, to * cols, cols);
        }
      }
    }
    return new HostTensor(out, w.shape().clone());
  }
}
