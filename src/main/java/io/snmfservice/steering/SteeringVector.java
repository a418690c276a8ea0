package io.snmfservice.steering;

import io.snmfservice.transformer.AddVector;
import io.snmfservice.transformer.TransformerConfig;

/**
 * A unit direction z in the MLP space ({@code blocks.{layer}.mlp.hook_post}) of one layer. The given vector is
 * normalised, so α is the length of what is added: steering with sign s adds s·α·z at every position.
 *
 * @param layer block whose hook_post is steered
 * @param unit z / ‖z‖ (copied on construction; the accessor returns the array itself: do not modify)
 * @param originalNorm ‖z‖ of the vector as given
 */
public record SteeringVector(int layer, float[] unit, double originalNorm) {

  public SteeringVector {
    unit = unit.clone();
  }

  /** Normalises {@code vector}; rejects empty, non-finite and zero vectors. */
  public static SteeringVector normalized(int layer, float[] vector) {
    if (layer < 0) {
      throw new IllegalArgumentException("layer must be ≥ 0, got " + layer);
    }
    if (vector.length == 0) {
      throw new IllegalArgumentException("steering vector is empty");
    }
    double sq = 0;
    for (float x : vector) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("steering vector holds a non-finite value");
      }
      sq += (double) x * x;
    }
    double norm = Math.sqrt(sq);
    if (norm == 0) {
      throw new IllegalArgumentException("steering vector is zero");
    }
    float[] unit = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      unit[i] = (float) (vector[i] / norm);
    }
    return new SteeringVector(layer, unit, norm);
  }

  /**
   * Throws {@link IllegalArgumentException} unless the vector fits the model: layer &lt; n_layers and
   * d_mlp values (for request validation before a job is queued).
   */
  public static void requireFits(TransformerConfig config, int layer, int length) {
    if (layer < 0 || layer >= config.nLayers()) {
      throw new IllegalArgumentException("layer " + layer + " is outside the model's " + config.nLayers() + " layers");
    }
    if (length != config.dMlp()) {
      throw new IllegalArgumentException("a steering vector for this model needs " + config.dMlp()
          + " values (d_mlp), got " + length);
    }
  }

  public int dimension() {
    return unit.length;
  }

  /** s·z: the direction that sign s pushes along. */
  public float[] signed(SteeringSign sign) {
    float[] out = unit.clone();
    if (sign == SteeringSign.NEGATIVE) {
      for (int i = 0; i < out.length; i++) {
        out[i] = -out[i];
      }
    }
    return out;
  }

  /** The intervention adding {@code signedAlpha · z} at every position of the layer's hook_post. */
  public AddVector intervention(double signedAlpha) {
    return new AddVector(layer, unit, (float) signedAlpha, 0);
  }
}
