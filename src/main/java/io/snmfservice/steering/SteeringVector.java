package io.snmfservice.steering;

import io.snmfservice.transformer.AddVector;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.TransformerConfig;

/**
 * A unit direction z at one hook point of one layer: MLP space ({@code blocks.{layer}.mlp.hook_post}, the paper's
 * protocol and the default) or the residual stream ({@code hook_resid_pre}, {@code hook_mlp_out},
 * {@code hook_resid_post}, e.g. an SAE's decoder rows). The given vector is normalised, so α is the length of what
 * is added: steering with sign s adds s·α·z at every position.
 *
 * @param layer block whose activation is steered
 * @param unit z / ‖z‖ (copied on construction; the accessor returns the array itself: do not modify)
 * @param originalNorm ‖z‖ of the vector as given
 * @param hook which activation of the block
 */
public record SteeringVector(int layer, float[] unit, double originalNorm, HookPoint.Kind hook) {

  public SteeringVector {
    unit = unit.clone();
    if (hook == null) {
      throw new IllegalArgumentException("hook is required");
    }
  }

  /** An mlp.hook_post direction. */
  public SteeringVector(int layer, float[] unit, double originalNorm) {
    this(layer, unit, originalNorm, HookPoint.Kind.MLP_POST);
  }

  /** Normalises an mlp.hook_post {@code vector}; rejects empty, non-finite and zero vectors. */
  public static SteeringVector normalized(int layer, float[] vector) {
    return normalized(layer, HookPoint.Kind.MLP_POST, vector);
  }

  /** Normalises {@code vector} at the given hook; rejects empty, non-finite and zero vectors. */
  public static SteeringVector normalized(int layer, HookPoint.Kind hook, float[] vector) {
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
    return new SteeringVector(layer, unit, norm, hook);
  }

  /**
   * Throws {@link IllegalArgumentException} unless an mlp.hook_post vector fits the model: layer &lt; n_layers and
   * d_mlp values (for request validation before a job is queued).
   */
  public static void requireFits(TransformerConfig config, int layer, int length) {
    requireFits(config, layer, HookPoint.Kind.MLP_POST, length);
  }

  /** As {@link #requireFits(TransformerConfig, int, int)} for any hook (d_model values off hook_post). */
  public static void requireFits(TransformerConfig config, int layer, HookPoint.Kind hook, int length) {
    if (layer < 0 || layer >= config.nLayers()) {
      throw new IllegalArgumentException("layer " + layer + " is outside the model's " + config.nLayers() + " layers");
    }
    int needed = HookPoint.width(hook, config);
    if (length != needed) {
      throw new IllegalArgumentException("a steering vector at " + hook.suffix() + " of this model needs " + needed
          + " values (" + (hook == HookPoint.Kind.MLP_POST ? "d_mlp" : "d_model") + "), got " + length);
    }
  }

  public int dimension() {
    return unit.length;
  }

  /** The TransformerLens name of the steered hook point. */
  public String hookName() {
    return new HookPoint(layer, hook).name();
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

  /** The intervention adding {@code signedAlpha · z} at every position of the layer's hook. */
  public AddVector intervention(double signedAlpha) {
    return new AddVector(layer, unit, (float) signedAlpha, 0, hook);
  }
}
