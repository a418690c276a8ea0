package io.snmfservice.vectors;

/**
 * Encodes activations with a standard or JumpReLU SAE, as SAELens does on raw activations:
 * <pre>
 *   pre = (x − b_dec·[apply_b_dec_to_input]) · W_enc + b_enc
 *   f   = relu(pre)                      (standard)
 *   f   = pre · [pre &gt; threshold]       (jumprelu)
 *   x̂   = f · W_dec + b_dec
 * </pre>
 * Accumulated in double.
 *
 * @param wEnc [d_in][d_sae] row-major flattened
 * @param wDec [d_sae][d_in]
 * @param threshold null for the standard architecture
 */
public record SaeEncoder(int dIn, int dSae, float[] wEnc, float[] bEnc, float[] bDec, float[][] wDec, float[] threshold,
    boolean applyBDecToInput) {

  /** The latents f of one activation x. */
  public float[] encode(float[] x) {
    if (x.length != dIn) {
      throw new IllegalArgumentException("activation has " + x.length + " values, the SAE reads " + dIn);
    }
    double[] pre = new double[dSae];
    for (int j = 0; j < dSae; j++) {
      pre[j] = bEnc[j];
    }
    for (int i = 0; i < dIn; i++) {
      double xi = applyBDecToInput ? (double) x[i] - bDec[i] : x[i];
      int row = i * dSae;
      for (int j = 0; j < dSae; j++) {
        pre[j] += xi * wEnc[row + j];
      }
    }
    float[] f = new float[dSae];
    for (int j = 0; j < dSae; j++) {
      boolean on = threshold == null ? pre[j] > 0 : pre[j] > threshold[j];
      f[j] = on ? (float) pre[j] : 0f;
    }
    return f;
  }

  /** x̂ = f · W_dec + b_dec. */
  public float[] decode(float[] f) {
    double[] out = new double[dIn];
    for (int i = 0; i < dIn; i++) {
      out[i] = bDec[i];
    }
    for (int j = 0; j < dSae; j++) {
      if (f[j] != 0) {
        for (int i = 0; i < dIn; i++) {
          out[i] += (double) f[j] * wDec[j][i];
        }
      }
    }
    float[] x = new float[dIn];
    for (int i = 0; i < dIn; i++) {
      x[i] = (float) out[i];
    }
    return x;
  }
}
