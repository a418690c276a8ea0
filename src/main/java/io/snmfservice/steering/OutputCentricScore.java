package io.snmfservice.steering;

import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookedTransformer;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Output-centric causal score (after Gur-Arieh et al.'s output-centric feature descriptions): how much steering
 * raises the log-probability of the tokens the feature's direction promotes through the unembedding.
 * <pre>
 *   T = the k tokens with the largest vocabulary projection unembed(ln_final(W_out · s·z))
 *   score = (1/(P·k)) Σ_p Σ_{v∈T} [ log p_steered,p(v) − log p_base,p(v) ]
 * </pre>
 * at the last token of each of the P base prompts, in nats. Positive means steering makes the feature's own
 * output tokens more likely.
 */
public final class OutputCentricScore {

  /** Top vocabulary-projection tokens scored. */
  public static final int DEFAULT_TOP_TOKENS = 20;

  private OutputCentricScore() {}

  /** Ids of the k largest entries of the vocabulary projection of an MLP-space {@code direction}, largest first. */
  public static int[] topProjectionTokens(HookedTransformer model, int layer, float[] direction, int k) {
    return topTokens(model.projectMlpDirectionToVocab(layer, direction), k);
  }

  /**
   * The same for a direction at any hook: MLP space through W_out, residual-stream directions (hook_resid_*,
   * hook_mlp_out) through the final norm and unembedding directly.
   */
  public static int[] topProjectionTokens(HookedTransformer model, int layer, HookPoint.Kind hook, float[] direction,
      int k) {
    return topTokens(HookPoint.residual(hook) ? model.projectResidualDirectionToVocab(direction)
        : model.projectMlpDirectionToVocab(layer, direction), k);
  }

  private static int[] topTokens(float[] projection, int k) {
    Integer[] order = new Integer[projection.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(v -> -projection[v]).thenComparingInt(v -> v));
    int n = Math.min(k, projection.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /** The score above for logits {@code [prompt][vocab]}. */
  public static double score(float[][] base, float[][] steered, int[] tokens) {
    if (tokens.length == 0 || base.length == 0 || base.length != steered.length) {
      throw new IllegalArgumentException("need tokens and the same non-zero number of base and steered rows");
    }
    double sum = 0;
    for (int p = 0; p < base.length; p++) {
      double[] logB = KlDivergence.logSoftmax(base[p]);
      double[] logS = KlDivergence.logSoftmax(steered[p]);
      for (int v : tokens) {
        sum += logS[v] - logB[v];
      }
    }
    return sum / ((double) base.length * tokens.length);
  }
}
