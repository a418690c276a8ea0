package io.snmfservice.steering;

import io.snmfservice.transformer.SamplingConfig;

/**
 * How many continuations to sample from each base prompt and how. Sample i (0-based) of every prompt uses seed
 * {@code seed + i}, so the same settings give the same texts, steered or not.
 *
 * @param count samples per prompt
 * @param newTokens tokens per sample (fewer when the context ends first)
 * @param sampling temperature / top-k / top-p
 * @param seed seed of sample 0
 */
public record GenerationSettings(int count, int newTokens, SamplingConfig sampling, long seed) {

  public GenerationSettings {
    if (count < 0 || newTokens < 0) {
      throw new IllegalArgumentException("count and newTokens must be ≥ 0, got " + count + ", " + newTokens);
    }
  }

  /** The paper's protocol: 8 samples × 50 tokens, top-k 30, top-p 0.3, temperature 1, seed 0. */
  public static GenerationSettings defaults() {
    return new GenerationSettings(8, 50, SamplingConfig.sample(1f, 30, 0.3f), 0L);
  }

  public GenerationSettings withSeed(long newSeed) {
    return new GenerationSettings(count, newTokens, sampling, newSeed);
  }

  public GenerationSettings withCount(int newCount) {
    return new GenerationSettings(newCount, newTokens, sampling, seed);
  }

  public GenerationSettings withNewTokens(int tokens) {
    return new GenerationSettings(count, tokens, sampling, seed);
  }
}
