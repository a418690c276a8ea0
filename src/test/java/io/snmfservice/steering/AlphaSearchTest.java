package io.snmfservice.steering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The search on KL curves with known shapes. */
class AlphaSearchTest {

  private final AlphaSearch search = new AlphaSearch(AlphaSearch.Settings.defaults());

  @Test
  void findsEveryTargetOnAMonotoneCurveWithinTolerance() {
    DoubleUnaryOperator kl = a -> 1e-6 * a * a;
    for (AlphaResult r : search.search(kl, AlphaSearch.DEFAULT_TARGETS)) {
      assertThat(r.status()).isEqualTo(AlphaResult.Status.REACHED);
      assertThat(Math.abs(kl.applyAsDouble(r.alpha()) - r.target()) / r.target()).isLessThanOrEqualTo(0.05);
      // the analytic root is α = √(t / 1e-6); within 5 % of KL means within ~2.5 % of α
      assertThat(r.alpha() / Math.sqrt(r.target() / 1e-6)).isBetween(0.97, 1.03);
    }
  }

  @Test
  void takesTheFirstCrossingOfACurveThatRisesAndFallsBack() {
    // rises to 0.4 at α = 100, then falls to ~0 again: the 0.25 target has two roots, 0.5 none
    DoubleUnaryOperator kl = a -> 0.4 * Math.exp(-Math.pow(Math.log(a / 100), 2));
    List<AlphaResult> results = search.search(kl, List.of(0.25, 0.5));
    AlphaResult quarter = results.get(0);
    assertThat(quarter.status()).isEqualTo(AlphaResult.Status.REACHED);
    assertThat(quarter.alpha()).isLessThan(100);
    double root = 100 * Math.exp(-Math.sqrt(-Math.log(0.25 / 0.4)));
    assertThat(quarter.alpha() / root).isBetween(0.95, 1.05);
    assertThat(results.get(1).status()).isEqualTo(AlphaResult.Status.UNREACHABLE_TOO_WEAK);
    assertThat(results.get(1).kl()).isLessThan(0.5);
  }

  @Test
  void reportsTargetsAlreadyExceededAtTheLowerEnd() {
    AlphaResult r = search.search(a -> 0.2 + 1e-4 * a, List.of(0.1)).get(0);
    assertThat(r.status()).isEqualTo(AlphaResult.Status.UNREACHABLE_TOO_STRONG);
    assertThat(r.alpha()).isEqualTo(1.0);
  }

  @Test
  void reportsNonConvergenceAtAJump() {
    // a step from 0.01 to 0.9 at α = 37: no α gives KL near 0.1
    AlphaResult r = search.search(a -> a < 37 ? 0.01 : 0.9, List.of(0.1)).get(0);
    assertThat(r.status()).isEqualTo(AlphaResult.Status.NOT_CONVERGED);
    assertThat(r.alpha()).isCloseTo(37, org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void treatsANanKlAsTooStrong() {
    // KL = α²/10⁴ overflows to NaN beyond α = 500; KL 24 (α ≈ 490) lies between the scan points 437 and 725 (NaN)
    AlphaResult r = search.search(a -> a > 500 ? Double.NaN : a * a / 1e4, List.of(24.0)).get(0);
    assertThat(r.status()).isEqualTo(AlphaResult.Status.REACHED);
    assertThat(r.alpha()).isBetween(Math.sqrt(22.8e4), 500.0);
  }
}
