package io.snmfservice.transformer;

import java.util.Arrays;
import java.util.Random;

/** Draws a token id from one row of logits according to a {@link SamplingConfig}. */
final class TokenSampler {

  private final SamplingConfig config;
  private final Random random;

  TokenSampler(SamplingConfig config, long seed) {
    this.config = config;
    this.random = new Random(seed);
  }

  int next(float[] logits) {
    if (config.temperature() <= 0) {
      return argmax(logits);
    }
    int vocab = logits.length;
    Integer[] order = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      order[i] = i;
    }
    // most likely first; ties by id so the order is deterministic
    Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
    int keep = config.topK() > 0 ? Math.min(config.topK(), vocab) : vocab;
    double max = logits[order[0]];
    double[] probs = new double[keep];
    double sum = 0;
    for (int i = 0; i < keep; i++) {
      probs[i] = Math.exp((logits[order[i]] - max) / config.temperature());
      sum += probs[i];
    }
    // nucleus: the smallest prefix whose probability reaches topP (always at least one token)
    double cumulative = 0;
    int nucleus = keep;
    for (int i = 0; i < keep; i++) {
      cumulative += probs[i] / sum;
      if (cumulative >= config.topP()) {
        nucleus = i + 1;
        break;
      }
    }
    double total = 0;
    for (int i = 0; i < nucleus; i++) {
      total += probs[i];
    }
    double u = random.nextDouble() * total;
    for (int i = 0; i < nucleus; i++) {
      u -= probs[i];
      if (u < 0) {
        return order[i];
      }
    }
    return order[nucleus - 1];
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
