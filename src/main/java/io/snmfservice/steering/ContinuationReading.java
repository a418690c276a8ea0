package io.snmfservice.steering;

import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.TokenBatch;
import java.util.List;

/**
 * What the UNSTEERED model makes of generated text (prompt + continuation, no intervention), pooled over all
 * generated tokens of all samples:
 * <ul>
 *   <li>perplexity = exp( Σ −log p(x_j | x_&lt;j) / N ), x_j the N generated tokens (fluency: lower reads more
 *       like the model's own text);</li>
 *   <li>re-activation = (1/N) Σ_j max(0, u·a_j), with a_j the steered hook's activation (hook_post by default) at generated token j and u = s·z
 *       the signed unit steering direction (how strongly the text itself evokes the feature);</li>
 *   <li>re-activation cosine = (1/N) Σ_j u·a_j / ‖a_j‖ (scale-free form; 0 for a zero activation).</li>
 * </ul>
 *
 * @param perplexity pooled perplexity (NaN when N = 0)
 * @param reactivation mean relu projection (NaN when N = 0)
 * @param reactivationCosine mean cosine (NaN when N = 0)
 * @param tokens N
 */
public record ContinuationReading(double perplexity, double reactivation, double reactivationCosine, int tokens) {

  private static final int BATCH = 8;

  /**
   * Reads continuations of one prompt.
   *
   * @param direction u, the signed unit direction (length d_mlp)
   */
  public static ContinuationReading read(HookedTransformer model, int layer, float[] direction, int[] prompt,
      List<int[]> continuations) {
    return read(model, HookPoint.mlpPost(layer), direction, prompt, continuations);
  }

  /**
   * Reads continuations of one prompt, re-activation measured at any hook point.
   *
   * @param hook TransformerLens name of the hook whose activation a_j is read
   * @param direction u, the signed unit direction (the hook's width)
   */
  public static ContinuationReading read(HookedTransformer model, String hook, float[] direction, int[] prompt,
      List<int[]> continuations) {
    double nll = 0;
    double relu = 0;
    double cos = 0;
    int n = 0;
    for (int from = 0; from < continuations.size(); from += BATCH) {
      List<int[]> chunk = continuations.subList(from, Math.min(from + BATCH, continuations.size()));
      int[][] sequences = new int[chunk.size()][];
      for (int b = 0; b < sequences.length; b++) {
        sequences[b] = concat(prompt, chunk.get(b));
      }
      ForwardResult result = model.forward(TokenBatch.rightPadded(sequences), HookSpec.none().withCapture(hook));
      for (int b = 0; b < sequences.length; b++) {
        for (int slot = prompt.length; slot < sequences[b].length; slot++) {
          double[] logp = KlDivergence.logSoftmax(result.logits(b, slot - 1));
          nll -= logp[sequences[b][slot]];
          float[] a = result.capture(hook, b, slot);
          double dot = 0;
          double sq = 0;
          for (int i = 0; i < a.length; i++) {
            dot += (double) direction[i] * a[i];
            sq += (double) a[i] * a[i];
          }
          relu += Math.max(0, dot);
          cos += sq == 0 ? 0 : dot / Math.sqrt(sq);
          n++;
        }
      }
    }
    if (n == 0) {
      return new ContinuationReading(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    return new ContinuationReading(Math.exp(nll / n), relu / n, cos / n, n);
  }

  /** Pools readings of several prompts as if their tokens had been read together (token-weighted). */
  public static ContinuationReading pool(List<ContinuationReading> readings) {
    double logPpl = 0;
    double relu = 0;
    double cos = 0;
    int n = 0;
    for (ContinuationReading r : readings) {
      if (r.tokens() > 0) {
        logPpl += r.tokens() * Math.log(r.perplexity());
        relu += r.tokens() * r.reactivation();
        cos += r.tokens() * r.reactivationCosine();
        n += r.tokens();
      }
    }
    if (n == 0) {
      return new ContinuationReading(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    return new ContinuationReading(Math.exp(logPpl / n), relu / n, cos / n, n);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
