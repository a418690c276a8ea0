package io.snmfservice.steering;

import io.snmfservice.transformer.SamplingConfig;
import java.util.Arrays;
import java.util.Random;

/**
 * Draws one token from a row of logits by the rule of {@link SamplingConfig} — argmax when temperature ≤ 0, else
 * softmax(logits / T) cut to the top-k most likely ids (ties by id), then to the smallest prefix whose mass reaches
 * top-p, renormalised — with {@code java.util.Random(seed)}. It is the same rule and random stream as
 * {@code HookedTransformer.generate}, whose sampler is package-private; the tests hold the two to the same ids.
 */
final class SeededSampler {

  private final SamplingConfig config;
  private final Random random;

  SeededSampler(SamplingConfig config, long seed) {
    this.config = config;
    this.random = new Random(seed);
  }

  int next(float[] logits) {
    if (config.temperature() <= 0) {
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    }
    Integer[] order = new Integer[logits.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
    int keep = config.topK() > 0 ? Math.min(config.topK(), logits.length) : logits.length;
    double max = logits[order[0]];
    double[] weights = new double[keep];
    double sum = 0;
    for (int i = 0; i < keep; i++) {
      weights[i] = Math.exp((logits[order[i]] - max) / config.temperature());
      sum += weights[i];
    }
    int nucleus = keep;
    double cumulative = 0;
    for (int i = 0; i < keep; i++) {
      cumulative += weights[i] / sum;
      if (cumulative >= config.topP()) {
        nucleus = i + 1;
        break;
      }
    }
    double total = 0;
    for (int i = 0; i < nucleus; i++) {
      total += weights[i];
    }
    double u = random.nextDouble() * total;
    for (int i = 0; i < nucleus; i++) {
      u -= weights[i];
      if (u < 0) {
        return order[i];
      }
    }
    return order[nucleus - 1];
  }
}
