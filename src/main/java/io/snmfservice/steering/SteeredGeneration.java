package io.snmfservice.steering;

import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.KvCache;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;

/**
 * Seeded continuations of a base prompt with the steering intervention active at every step (prompt and generated
 * tokens alike), or without it for the unsteered baseline. All samples of a prompt advance together, one
 * KV-cached forward pass per step for the whole batch; sample i draws with its own {@code Random(seed + i)}, so it
 * is the same sequence {@code HookedTransformer.generate} gives for that seed, whatever else is in the batch.
 * Samples never stop early (EOS is kept as a token; {@code stopAtEos} is ignored), so the batch stays aligned.
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
    int[][] out = new int[settings.count()][budget];
    for (int from = 0; from < out.length && budget > 0; from += MAX_BATCH) {
      int rows = Math.min(MAX_BATCH, out.length - from);
      SeededSampler[] samplers = new SeededSampler[rows];
      int[][] prompts = new int[rows][];
      for (int b = 0; b < rows; b++) {
        samplers[b] = new SeededSampler(settings.sampling(), settings.seed() + from + b);
        prompts[b] = prompt;
      }
      try (KvCache cache = model.newKvCache(rows)) {
        ForwardResult result = model.forward(TokenBatch.rightPadded(prompts), hooks, cache);
        for (int t = 0; t < budget; t++) {
          int[][] next = new int[rows][1];
          for (int b = 0; b < rows; b++) {
            out[from + b][t] = samplers[b].next(result.lastLogits(b));
            next[b][0] = out[from + b][t];
          }
          if (t + 1 < budget) {
            result = model.forward(TokenBatch.rightPadded(next), hooks, cache);
          }
        }
      }
    }
    return out;
  }
}
