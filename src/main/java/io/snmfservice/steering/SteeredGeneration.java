package io.snmfservice.steering;

import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.SamplingConfig;
import java.util.Arrays;

/**
 * Seeded continuations of a base prompt with the steering intervention active at every step (prompt and generated
 * tokens alike), or without it for the unsteered baseline. All samples of a prompt advance together, one
 * KV-cached forward pass per step for the whole batch ({@code HookedTransformer.generate} with a count); sample i
 * draws with seed {@code seed + i}, so it is the same sequence a single {@code generate} gives for that seed.
 */
public final class SteeredGeneration {

  /** Rows per forward pass (more rows cost more memory per step than they save). */
  static final int MAX_BATCH = 32;

  private SteeredGeneration() {}

  /**
   * @param vector the steering direction, or null for unsteered text
   * @param signedAlpha s·α (ignored when {@code vector} is null)
   * @return {@code [count][newTokens']} generated ids, prompt not included, newTokens' = min(newTokens, context
   *     left after the prompt)
   */
  public static int[][] sample(HookedTransformer model, int[] prompt, SteeringVector vector, double signedAlpha,
      GenerationSettings settings) {
    HookSpec hooks = HookSpec.logits(LogitsMode.LAST);
    if (vector != null) {
      hooks = hooks.withIntervention(vector.intervention(signedAlpha));
    }
    int budget = Math.max(0, Math.min(settings.newTokens(), model.config().maxContext() - prompt.length));
    SamplingConfig s = settings.sampling();
    SamplingConfig aligned = new SamplingConfig(s.temperature(), s.topK(), s.topP(), false); // rows never stop early
    int[][] out = new int[settings.count()][];
    for (int from = 0; from < out.length; from += MAX_BATCH) {
      int rows = Math.min(MAX_BATCH, out.length - from);
      int[][] generated = model.generate(prompt, rows, budget, aligned, hooks, settings.seed() + from);
      for (int b = 0; b < rows; b++) {
        out[from + b] = Arrays.copyOfRange(generated[b], prompt.length, prompt.length + budget);
      }
    }
    return out;
  }
}
