package io.snmfservice.steering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Calibrates steering strength as in the paper: for each KL target t, find α ∈ [lo, hi] with
 * |KL(α) − t| ≤ tol·t, where KL(α) = mean over base prompts of KL(P_steered(α) ‖ P_base) at the prompt's last
 * token (see {@link KlDivergence}).
 *
 * <p>KL(α) need not be monotonic (a large push can saturate or swing the distribution back), so a plain
 * bisection over [lo, hi] could miss the target. Instead:
 * <ol>
 *   <li>scan: evaluate KL at {@code scanPoints} log-spaced α from lo to hi (shared by all targets);</li>
 *   <li>bracket: walk the scan upward and stop at the first α_i with KL(α_i) within tolerance (done) or above
 *       t; then KL(α_{i−1}) &lt; t &lt; KL(α_i) brackets a crossing, which exists since KL is continuous in α;</li>
 *   <li>bisect on log α (geometric midpoint √(a·b)) keeping KL(a) &lt; t &lt; KL(b) until the midpoint is within
 *       tolerance or {@code maxBisections} steps pass.</li>
 * </ol>
 * This returns the smallest-α crossing up to the scan resolution. If no scanned KL reaches t the target is
 * {@link AlphaResult.Status#UNREACHABLE_TOO_WEAK}; if KL(lo) already exceeds t,
 * {@link AlphaResult.Status#UNREACHABLE_TOO_STRONG}.
 */
public final class AlphaSearch {

  /** The paper's KL targets. */
  public static final List<Double> DEFAULT_TARGETS = List.of(0.025, 0.05, 0.1, 0.15, 0.25, 0.35, 0.5);

  /**
   * @param lo smallest α (&gt; 0)
   * @param hi largest α
   * @param relativeTolerance accepted |KL − t| / t
   * @param scanPoints log-spaced α in the bracketing scan (≥ 2)
   * @param maxBisections bisection steps per target
   */
  public record Settings(double lo, double hi, double relativeTolerance, int scanPoints, int maxBisections) {

    public Settings {
      if (!(lo > 0) || !(hi > lo)) {
        throw new IllegalArgumentException("need 0 < lo < hi, got [" + lo + ", " + hi + "]");
      }
      if (!(relativeTolerance > 0) || relativeTolerance >= 1) {
        throw new IllegalArgumentException("relative tolerance must be in (0, 1), got " + relativeTolerance);
      }
      if (scanPoints < 2 || maxBisections < 1) {
        throw new IllegalArgumentException("need scanPoints ≥ 2 and maxBisections ≥ 1");
      }
    }

    /** [1, 2000], 5 %, 16 scan points, 40 bisections. */
    public static Settings defaults() {
      return new Settings(1, 2000, 0.05, 16, 40);
    }

    public Settings withRange(double newLo, double newHi) {
      return new Settings(newLo, newHi, relativeTolerance, scanPoints, maxBisections);
    }

    public Settings withTolerance(double tolerance) {
      return new Settings(lo, hi, tolerance, scanPoints, maxBisections);
    }
  }

  private final Settings settings;

  public AlphaSearch(Settings settings) {
    this.settings = settings;
  }

  /** Searches α for each target with the probe's vector pushed in direction {@code sign}. */
  public List<AlphaResult> search(SteeringProbe probe, SteeringSign sign, List<Double> targets) {
    return search(alpha -> probe.meanKl(sign.factor() * alpha), targets);
  }

  /**
   * Searches α for each target on any KL curve (values memoised per α).
   *
   * @param klOfAlpha KL as a function of α &gt; 0
   */
  public List<AlphaResult> search(DoubleUnaryOperator klOfAlpha, List<Double> targets) {
    for (double t : targets) {
      if (!(t > 0)) {
        throw new IllegalArgumentException("KL targets must be > 0, got " + t);
      }
    }
    Map<Double, Double> memo = new HashMap<>();
    // a NaN KL (overflowing logits) counts as "far too strong", so the search backs off from it
    DoubleUnaryOperator kl = a -> memo.computeIfAbsent(a, x -> {
      double v = klOfAlpha.applyAsDouble(x);
      return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    });
    double[] scan = scanAlphas();
    double[] scanKl = new double[scan.length];
    for (int i = 0; i < scan.length; i++) {
      scanKl[i] = kl.applyAsDouble(scan[i]);
    }
    List<AlphaResult> out = new ArrayList<>();
    for (double target : targets) {
      out.add(searchOne(kl, scan, scanKl, target));
    }
    return out;
  }

  private AlphaResult searchOne(DoubleUnaryOperator kl, double[] scan, double[] scanKl, double target) {
    double tol = settings.relativeTolerance() * target;
    for (int i = 0; i < scan.length; i++) {
      if (Math.abs(scanKl[i] - target) <= tol) {
        return new AlphaResult(target, scan[i], scanKl[i], AlphaResult.Status.REACHED, 0);
      }
      if (scanKl[i] > target) {
        if (i == 0) {
          return new AlphaResult(target, scan[0], scanKl[0], AlphaResult.Status.UNREACHABLE_TOO_STRONG, 0);
        }
        return bisect(kl, scan[i - 1], scanKl[i - 1], scan[i], scanKl[i], target, tol);
      }
    }
    int best = 0;
    for (int i = 1; i < scan.length; i++) {
      if (scanKl[i] > scanKl[best]) {
        best = i;
      }
    }
    return new AlphaResult(target, scan[best], scanKl[best], AlphaResult.Status.UNREACHABLE_TOO_WEAK, 0);
  }

  /** Invariant: kl(a) &lt; target &lt; kl(b). */
  private AlphaResult bisect(DoubleUnaryOperator kl, double a, double klA, double b, double klB, double target,
      double tol) {
    for (int step = 1; step <= settings.maxBisections(); step++) {
      double mid = Math.sqrt(a * b);
      double klMid = kl.applyAsDouble(mid);
      if (Math.abs(klMid - target) <= tol) {
        return new AlphaResult(target, mid, klMid, AlphaResult.Status.REACHED, step);
      }
      if (klMid < target) {
        a = mid;
        klA = klMid;
      } else {
        b = mid;
        klB = klMid;
      }
    }
    boolean lowerCloser = target - klA <= klB - target;
    return new AlphaResult(target, lowerCloser ? a : b, lowerCloser ? klA : klB, AlphaResult.Status.NOT_CONVERGED,
        settings.maxBisections());
  }

  /** lo · (hi/lo)^(i/(n−1)), i = 0 … n−1, with the end points exact. */
  double[] scanAlphas() {
    int n = settings.scanPoints();
    double[] out = new double[n];
    double ratio = Math.log(settings.hi() / settings.lo());
    for (int i = 0; i < n; i++) {
      out[i] = settings.lo() * Math.exp(ratio * i / (n - 1));
    }
    out[0] = settings.lo();
    out[n - 1] = settings.hi();
    return out;
  }
}
