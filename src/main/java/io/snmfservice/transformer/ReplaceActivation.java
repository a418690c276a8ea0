package io.snmfservice.transformer;

/**
 * Splice intervention: replaces the activation at hook {@code blocks.{layer}.{hook}} with given values at every
 * real slot whose position is {@code ≥ fromPosition} (e.g. 1: every position after BOS, which keeps its own). The
 * rest of the pass runs on the replaced values, so the logits show what a reconstruction of the activation does
 * to the model (core metrics: CE loss recovered, KL to the clean distribution). Replacements apply before the
 * additive interventions of the same hook.
 *
 * @param layer block index
 * @param hook which activation of the block
 * @param values row-major {@code [batch · width · d]}, laid out like the batch the pass runs on (the values at
 *     padding slots and at positions below {@code fromPosition} are ignored)
 * @param fromPosition first replaced position
 */
public record ReplaceActivation(int layer, HookPoint.Kind hook, float[] values, int fromPosition) {

  public ReplaceActivation {
    if (hook == null) {
      throw new IllegalArgumentException("hook is required");
    }
    if (fromPosition < 0) {
      throw new IllegalArgumentException("fromPosition must be ≥ 0, got " + fromPosition);
    }
    values = values.clone();
  }
}
