package io.snmfservice.transformer;

/**
 * Samples many sequences at once: every row starts from the same prompt and draws its own tokens with its own
 * seeded sampler, sharing one KV-cached forward pass per step. Rows never stop early, so the batch stays aligned.
 */
public final class BatchGenerator {

  private final HookedTransformer model;

  public BatchGenerator(HookedTransformer model) {
    this.model = model;
  }

  /**
   * Returns {@code seeds.length} continuations of {@code prompt}, each {@code newTokens} long (prompt not
   * included); row i is drawn with {@code seeds[i]}.
   */
  public int[][] sample(int[] prompt, int newTokens, SamplingConfig sampling, long[] seeds) {
    int rows = seeds.length;
    int budget = Math.min(newTokens, model.config().maxContext() - prompt.length);
    int[][] out = new int[rows][Math.max(budget, 0)];
    if (budget <= 0) {
      return out;
    }
    TokenSampler[] samplers = new TokenSampler[rows];
    int[][] prompts = new int[rows][];
    for (int b = 0; b < rows; b++) {
      samplers[b] = new TokenSampler(sampling, seeds[b]);
      prompts[b] = prompt;
    }
    HookSpec last = HookSpec.logits(LogitsMode.LAST);
    try (KvCache cache = model.newKvCache(rows)) {
      ForwardResult result = model.forward(TokenBatch.rightPadded(prompts), last, cache);
      for (int t = 0; t < budget; t++) {
        int[][] next = new int[rows][1];
        for (int b = 0; b < rows; b++) {
          out[b][t] = samplers[b].next(result.lastLogits(b));
          next[b][0] = out[b][t];
        }
        if (t + 1 < budget) {
          result = model.forward(TokenBatch.rightPadded(next), last, cache);
        }
      }
    }
    return out;
  }
}
