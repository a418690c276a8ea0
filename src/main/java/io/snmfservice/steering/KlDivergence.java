package io.snmfservice.steering;

/**
 * KL divergence between the steered and the unsteered next-token distribution, in the direction the paper's
 * protocol uses (docs/architecture.md, "Steering and KL calibration"):
 * <pre>
 *   KL(P_steered ‖ P_base) = Σ_v p_s(v) · (log p_s(v) − log p_b(v)),   log p = logits − logsumexp(logits)
 * </pre>
 * (PyTorch's {@code kl_div(log_base, log_steered, log_target=True)}). Everything is computed in double with a
 * max-shifted log-softmax, so tiny divergences (1e-4) are not lost to float32 rounding.
 */
public final class KlDivergence {

  private KlDivergence() {}

  /** KL(P_steered ‖ P_base) in nats for one position's logits. */
  public static double steeredFromBase(float[] steeredLogits, float[] baseLogits) {
    if (steeredLogits.length != baseLogits.length) {
      throw new IllegalArgumentException("logit rows differ in length: " + steeredLogits.length + " vs " + baseLogits.length);
    }
    return between(logSoftmax(steeredLogits), logSoftmax(baseLogits));
  }

  /** KL(P ‖ Q) = Σ_v p(v) · (log p(v) − log q(v)) in nats, from two rows of log-probabilities. */
  public static double between(double[] logP, double[] logQ) {
    double kl = 0;
    for (int v = 0; v < logP.length; v++) {
      double p = Math.exp(logP[v]);
      if (p > 0) { // a probability that underflowed adds nothing (and 0 · −∞ would be NaN)
        kl += p * (logP[v] - logQ[v]);
      }
    }
    // rounding can leave −1e-17 for identical rows; KL is ≥ 0
    return Math.max(kl, 0);
  }

  /** Mean of {@link #steeredFromBase} over rows (one row per base prompt). */
  public static double meanOverPrompts(float[][] steeredLogits, float[][] baseLogits) {
    if (steeredLogits.length != baseLogits.length || steeredLogits.length == 0) {
      throw new IllegalArgumentException("need the same non-zero number of steered and base rows");
    }
    double sum = 0;
    for (int p = 0; p < steeredLogits.length; p++) {
      sum += steeredFromBase(steeredLogits[p], baseLogits[p]);
    }
    return sum / steeredLogits.length;
  }

  /** log softmax(x)_v = x_v − max − log Σ_u exp(x_u − max), in double. */
  public static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : logits) {
      sum += Math.exp(x - max);
    }
    double logZ = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int v = 0; v < logits.length; v++) {
      out[v] = logits[v] - logZ;
    }
    return out;
  }
}
