package io.snmfservice.evaluation;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One row per sentence for {@link SparseProbing}: a candidate's activation averaged over the sentence's tokens (BOS
 * excluded, as {@link SentenceActivations} reads them) — SAEBench's mean pooling. What "a candidate's activation" is
 * depends on the method: the latents of an encoder (an SAE's), or for a bare direction z its projection ẑ·a on the
 * unit direction; the raw hook activation itself (each of its d values) is the reference every method is measured
 * against.
 */
public final class PooledActivations {

  private PooledActivations() {}

  /** Mean over tokens of the raw activation: [sentence][d]. */
  public static double[][] raw(List<float[][]> sentences) {
    return encoded(sentences, a -> a);
  }

  /** Mean over tokens of {@code encoder(a_t)}: [sentence][latents]. */
  public static double[][] encoded(List<float[][]> sentences, UnaryOperator<float[]> encoder) {
    double[][] out = new double[sentences.size()][];
    for (int s = 0; s < out.length; s++) {
      float[][] tokens = sentences.get(s);
      if (tokens.length == 0) {
        throw new IllegalArgumentException("sentence " + s + " has no token activations");
      }
      double[] sum = null;
      for (float[] a : tokens) {
        float[] f = encoder.apply(a);
        if (sum == null) {
          sum = new double[f.length];
        }
        for (int j = 0; j < f.length; j++) {
          sum[j] += f[j];
        }
      }
      for (int j = 0; j < sum.length; j++) {
        sum[j] /= tokens.length;
      }
      out[s] = sum;
    }
    return out;
  }

  /** Mean over tokens of ẑ_k·a_t for every candidate direction z_k (none zero): [sentence][candidate]. */
  public static double[][] projected(float[][] candidates, List<float[][]> sentences) {
    int d = candidates[0].length;
    double[][] unit = new double[candidates.length][d];
    for (int c = 0; c < candidates.length; c++) {
      double norm = CandidateScores.norm(candidates[c], c);
      for (int i = 0; i < d; i++) {
        unit[c][i] = candidates[c][i] / norm;
      }
    }
    double[][] out = new double[sentences.size()][candidates.length];
    for (int s = 0; s < out.length; s++) {
      float[][] tokens = sentences.get(s);
      if (tokens.length == 0) {
        throw new IllegalArgumentException("sentence " + s + " has no token activations");
      }
      // mean_t ẑ·a_t = ẑ·(mean_t a_t): pool first, then project once
      double[] mean = new double[d];
      for (float[] a : tokens) {
        if (a.length != d) {
          throw new IllegalArgumentException("candidates have " + d + " values, activations " + a.length);
        }
        for (int i = 0; i < d; i++) {
          mean[i] += a[i];
        }
      }
      for (int c = 0; c < candidates.length; c++) {
        double dot = 0;
        for (int i = 0; i < d; i++) {
          dot += unit[c][i] * mean[i];
        }
        out[s][c] = dot / tokens.length;
      }
    }
    return out;
  }
}
