package io.snmfservice.evaluation;

import java.util.List;

/**
 * The DiffMeans baseline direction (AxBench): the normalised difference between the mean activation of concept
 * sentences and the mean activation of neutral sentences,
 * <pre>
 *   μ_S = (1/|S|) Σ_{s∈S} (1/|s|) Σ_{t∈s} a_{s,t}        (mean over tokens, then over sentences)
 *   z   = (μ_concept − μ_neutral) / ‖μ_concept − μ_neutral‖₂
 * </pre>
 * where a_{s,t} is the layer's {@code mlp.hook_post} at token t of sentence s, BOS excluded (see
 * {@link SentenceActivations}). Averaging per sentence first gives every sentence the same weight whatever its
 * length. Accumulated in double.
 */
public final class DiffMeans {

  private DiffMeans() {}

  /** The unit DiffMeans direction; throws when the two means coincide. */
  public static float[] direction(List<float[][]> concept, List<float[][]> neutral) {
    double[] diff = mean(concept);
    double[] neutralMean = mean(neutral);
    if (diff.length != neutralMean.length) {
      throw new IllegalArgumentException("concept and neutral activations differ in width");
    }
    double sq = 0;
    for (int i = 0; i < diff.length; i++) {
      diff[i] -= neutralMean[i];
      sq += diff[i] * diff[i];
    }
    double norm = Math.sqrt(sq);
    if (norm == 0) {
      throw new IllegalArgumentException("concept and neutral means are identical: no DiffMeans direction");
    }
    float[] out = new float[diff.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (diff[i] / norm);
    }
    return out;
  }

  /** μ_S above. */
  static double[] mean(List<float[][]> sentences) {
    if (sentences.isEmpty()) {
      throw new IllegalArgumentException("need at least one sentence per set");
    }
    double[] mean = new double[sentences.get(0)[0].length];
    for (float[][] sentence : sentences) {
      if (sentence.length == 0) {
        throw new IllegalArgumentException("a sentence has no token activations");
      }
      for (float[] token : sentence) {
        if (token.length != mean.length) {
          throw new IllegalArgumentException("activations differ in width");
        }
        for (int i = 0; i < mean.length; i++) {
          mean[i] += (double) token[i] / sentence.length / sentences.size();
        }
      }
    }
    return mean;
  }
}
