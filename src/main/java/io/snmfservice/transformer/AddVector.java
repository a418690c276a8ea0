package io.snmfservice.transformer;

/**
 * Steering intervention: adds {@code alpha · z} to {@code blocks.{layer}.mlp.hook_post} at every position whose
 * position index (0 = first real token of the sequence) is {@code ≥ fromPosition}; {@code fromPosition = 0}
 * steers all positions. The change flows through the MLP's output projection (and Gemma-2's post-MLP norm).
 *
 * @param layer block index
 * @param z direction in MLP space, length d_mlp
 * @param alpha scale
 * @param fromPosition first steered position
 */
public record AddVector(int layer, float[] z, float alpha, int fromPosition) {

  /** Steers every position. */
  public AddVector(int layer, float[] z, float alpha) {
    this(layer, z, alpha, 0);
  }

  public AddVector {
    z = z.clone();
    if (fromPosition < 0) {
      throw new IllegalArgumentException("fromPosition must be ≥ 0, got " + fromPosition);
    }
  }
}
