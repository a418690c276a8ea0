package io.snmfservice.steering;

/**
 * The steering strength found for one KL target.
 *
 * @param target the KL target (nats)
 * @param alpha α ≥ 0 (the magnitude; the sign is the caller's): for {@link Status#REACHED} the α whose KL is
 *     within tolerance of the target, otherwise the scanned or bisected α that came closest
 * @param kl the KL at {@code alpha}
 * @param status whether the target was reached
 * @param evaluations KL evaluations this target needed beyond the shared scan
 */
public record AlphaResult(double target, double alpha, double kl, Status status, int evaluations) {

  public enum Status {
    /** |KL(α) − target| ≤ tolerance · target. */
    REACHED,
    /** Even the largest KL seen in [lo, hi] stays below the target (typically KL(hi) &lt; target). */
    UNREACHABLE_TOO_WEAK,
    /** Already KL(lo) is above the target by more than the tolerance. */
    UNREACHABLE_TOO_STRONG,
    /** Bisection ran out of steps without meeting the tolerance (KL jumps inside the bracket). */
    NOT_CONVERGED
  }

  public boolean reached() {
    return status == Status.REACHED;
  }

  /** |kl − target| / target. */
  public double relativeError() {
    return Math.abs(kl - target) / target;
  }
}
