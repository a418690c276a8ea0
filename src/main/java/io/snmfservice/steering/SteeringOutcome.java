package io.snmfservice.steering;

import java.util.List;

/**
 * The result for one (KL target, sign) of one vector. Generations and scores exist only when the target was
 * {@link AlphaResult.Status#REACHED}; otherwise {@code generations} is empty and {@code scores} is null.
 *
 * @param sign steering direction
 * @param alpha the calibrated α (magnitude) and the KL it reached
 * @param shifts top rising/falling tokens at α·sign
 * @param generations steered samples
 * @param scores offline causal scores, or null
 */
public record SteeringOutcome(SteeringSign sign, AlphaResult alpha, LogitShift.Shifts shifts,
    List<Generation> generations, OfflineScores scores) {

  /** sign · α. */
  public double signedAlpha() {
    return sign.factor() * alpha.alpha();
  }
}
