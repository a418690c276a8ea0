package io.snmfservice.evaluation;

import java.util.Arrays;
import java.util.List;

/**
 * Concept detection (the paper's and AxBench's baseline): score each sentence by
 * <pre>
 *   score(s) = max_t cos(z, a_{s,t}) = max_t z·a_{s,t} / (‖z‖·‖a_{s,t}‖)
 * </pre>
 * over its tokens (BOS excluded; a zero activation counts as cosine 0), then measure how well the score separates
 * concept from neutral sentences: {@link Auroc} and the accuracy of the best threshold rule
 * "concept iff score ≥ θ", θ chosen over all observed scores (and +∞, i.e. all neutral).
 */
public final class ConceptDetection {

  /** AUROC, best accuracy and the threshold that gives it. */
  public record Result(double auroc, double accuracy, double threshold, int conceptSentences, int neutralSentences) {}

  private ConceptDetection() {}

  /** Evaluates direction z on the two sentence sets. */
  public static Result evaluate(float[] z, List<float[][]> concept, List<float[][]> neutral) {
    double[] pos = scores(z, concept);
    double[] neg = scores(z, neutral);
    double[] best = bestThreshold(pos, neg);
    return new Result(Auroc.of(pos, neg), best[1], best[0], pos.length, neg.length);
  }

  /** score(s) for every sentence. */
  public static double[] scores(float[] z, List<float[][]> sentences) {
    double zNorm = 0;
    for (float x : z) {
      zNorm += (double) x * x;
    }
    zNorm = Math.sqrt(zNorm);
    if (zNorm == 0) {
      throw new IllegalArgumentException("direction is zero");
    }
    double[] out = new double[sentences.size()];
    for (int s = 0; s < out.length; s++) {
      double max = Double.NEGATIVE_INFINITY;
      for (float[] a : sentences.get(s)) {
        if (a.length != z.length) {
          throw new IllegalArgumentException("direction has " + z.length + " values, activations " + a.length);
        }
        double dot = 0;
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
          dot += (double) z[i] * a[i];
          sq += (double) a[i] * a[i];
        }
        max = Math.max(max, sq == 0 ? 0 : dot / (zNorm * Math.sqrt(sq)));
      }
      if (max == Double.NEGATIVE_INFINITY) {
        throw new IllegalArgumentException("sentence " + s + " has no token activations");
      }
      out[s] = max;
    }
    return out;
  }

  /** {threshold, accuracy} maximising accuracy of "positive iff score ≥ threshold"; the lowest such threshold. */
  static double[] bestThreshold(double[] pos, double[] neg) {
    double[] candidates = new double[pos.length + neg.length + 1];
    System.arraycopy(pos, 0, candidates, 0, pos.length);
    System.arraycopy(neg, 0, candidates, pos.length, neg.length);
    candidates[candidates.length - 1] = Double.POSITIVE_INFINITY;
    Arrays.sort(candidates);
    double bestThreshold = Double.POSITIVE_INFINITY;
    int bestCorrect = -1;
    for (double theta : candidates) {
      int correct = 0;
      for (double p : pos) {
        correct += p >= theta ? 1 : 0;
      }
      for (double n : neg) {
        correct += n < theta ? 1 : 0;
      }
      if (correct > bestCorrect) {
        bestCorrect = correct;
        bestThreshold = theta;
      }
    }
    return new double[] {bestThreshold, (double) bestCorrect / (pos.length + neg.length)};
  }
}
