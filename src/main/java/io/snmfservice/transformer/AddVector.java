package io.snmfservice.transformer;

/**
 * Steering intervention: adds {@code alpha · z} to the activation at hook {@code blocks.{layer}.{hook}} at every
 * position whose position index (0 = first real token of the sequence) is {@code ≥ fromPosition};
 * {@code fromPosition = 0} steers all positions. At {@code mlp.hook_post} (the default, the paper's protocol) the
 * change flows through the MLP's output projection (and Gemma-2's post-MLP norm); at {@code hook_mlp_out},
 * {@code hook_resid_pre} and {@code hook_resid_post} it is added to the residual stream directly.
 *
 * @param layer block index
 * @param z direction, length d_mlp at mlp.hook_post, d_model elsewhere
 * @param alpha scale
 * @param fromPosition first steered position
 * @param hook where in the block z is added
 */
public record AddVector(int layer, float[] z, float alpha, int fromPosition, HookPoint.Kind hook) {

  /** Steers every position of mlp.hook_post. */
  public AddVector(int layer, float[] z, float alpha) {
    this(layer, z, alpha, 0);
  }

  /** Steers mlp.hook_post. */
  public AddVector(int layer, float[] z, float alpha, int fromPosition) {
    this(layer, z, alpha, fromPosition, HookPoint.Kind.MLP_POST);
  }

  public AddVector {
    z = z.clone();
    if (fromPosition < 0) {
      throw new IllegalArgumentException("fromPosition must be ≥ 0, got " + fromPosition);
    }
    if (hook == null) {
      throw new IllegalArgumentException("hook is required");
    }
  }
}
