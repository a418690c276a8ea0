package io.snmfservice.evaluation;

import java.util.List;

/**
 * {@link ConceptDetection}'s sentence score for many candidate directions at once:
 * <pre>
 *   S[s][k] = max_t cos(z_k, a_{s,t})      (a zero activation counts as cosine 0)
 * </pre>
 * computed by normalising the candidates and each token once, so scoring all of an SAE's latents on a few thousand
 * tokens costs one pass of dot products. Used to pick each method's best candidate per concept.
 */
public final class CandidateScores {

  private CandidateScores() {}

  /**
   * @param candidates K directions of width d (none may be zero)
   * @param sentences per sentence its [tokens][d] activations
   * @return S [sentence][candidate]
   */
  public static double[][] maxCosine(float[][] candidates, List<float[][]> sentences) {
    int k = candidates.length;
    int d = candidates[0].length;
    float[][] unit = new float[k][d];
    for (int c = 0; c < k; c++) {
      if (candidates[c].length != d) {
        throw new IllegalArgumentException("candidates differ in width");
      }
      double norm = norm(candidates[c], c);
      for (int i = 0; i < d; i++) {
        unit[c][i] = (float) (candidates[c][i] / norm);
      }
    }
    double[][] out = new double[sentences.size()][k];
    for (int s = 0; s < out.length; s++) {
      java.util.Arrays.fill(out[s], Double.NEGATIVE_INFINITY);
      for (float[] a : sentences.get(s)) {
        if (a.length != d) {
          throw new IllegalArgumentException("candidates have " + d + " values, activations " + a.length);
        }
        double sq = 0;
        for (float x : a) {
          sq += (double) x * x;
        }
        double norm = Math.sqrt(sq);
        for (int c = 0; c < k; c++) {
          double cos = 0;
          if (norm > 0) {
            double dot = 0;
            float[] z = unit[c];
            for (int i = 0; i < d; i++) {
              dot += (double) z[i] * a[i];
            }
            cos = dot / norm;
          }
          if (cos > out[s][c]) {
            out[s][c] = cos;
          }
        }
      }
      if (sentences.get(s).length == 0) {
        throw new IllegalArgumentException("sentence " + s + " has no token activations");
      }
    }
    return out;
  }

  /** ‖z‖ of candidate {@code index}; a zero candidate has no direction and is refused. */
  static double norm(float[] z, int index) {
    double sq = 0;
    for (float x : z) {
      sq += (double) x * x;
    }
    if (sq == 0) {
      throw new IllegalArgumentException("candidate " + index + " is zero");
    }
    return Math.sqrt(sq);
  }

  /**
   * The candidate whose scores best separate the positive from the negative sentences (highest AUROC; the lowest
   * index among equals).
   *
   * @return {best index, its AUROC} as doubles
   */
  public static double[] best(double[][] scores, int[] positives, int[] negatives) {
    int k = scores[0].length;
    int best = 0;
    double bestAuroc = Double.NEGATIVE_INFINITY;
    double[] pos = new double[positives.length];
    double[] neg = new double[negatives.length];
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < pos.length; i++) {
        pos[i] = scores[positives[i]][c];
      }
      for (int i = 0; i < neg.length; i++) {
        neg[i] = scores[negatives[i]][c];
      }
      double auroc = Auroc.of(pos, neg);
      if (auroc > bestAuroc) {
        bestAuroc = auroc;
        best = c;
      }
    }
    return new double[] {best, bestAuroc};
  }
}
