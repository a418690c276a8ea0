package io.snmfservice.evaluation;

/**
 * Binary L2-regularised logistic regression, the probe SAEBench trains (scikit-learn's {@code LogisticRegression}
 * with its defaults: {@code penalty="l2"}, {@code C=1}, an intercept that is not penalised). It minimises
 * <pre>
 *   f(w, b) = ½‖w‖² + C · Σ_i log(1 + exp(−y_i (w·x_i + b)))        y_i ∈ {−1, +1}
 * </pre>
 * which is strictly convex, so any solver that converges finds the same (w, b); this one uses L-BFGS (10 pairs)
 * with a backtracking Armijo line search, in double precision, until the largest gradient entry is below
 * {@code 1e-8 · max(1, f)}. Prediction is "positive iff w·x + b &gt; 0", as scikit-learn predicts.
 */
public final class LogisticRegression {

  private static final int MEMORY = 10;
  private static final int MAX_ITERATIONS = 5_000;
  private static final double TOLERANCE = 1e-8;

  /**
   * A fitted probe.
   *
   * @param iterations L-BFGS iterations taken
   * @param converged whether the gradient test passed (else the iteration or line-search limit stopped it)
   */
  public record Model(double[] weights, double intercept, int iterations, boolean converged) {

    public double decision(double[] x) {
      double z = intercept;
      for (int j = 0; j < weights.length; j++) {
        z += weights[j] * x[j];
      }
      return z;
    }

    public boolean predict(double[] x) {
      return decision(x) > 0;
    }

    /** The share of rows whose prediction equals their label. */
    public double accuracy(double[][] x, boolean[] y) {
      int correct = 0;
      for (int i = 0; i < x.length; i++) {
        correct += predict(x[i]) == y[i] ? 1 : 0;
      }
      return (double) correct / x.length;
    }
  }

  private LogisticRegression() {}

  /**
   * @param x rows of features, all of one width
   * @param y labels, true = positive; both classes must occur
   * @param c inverse regularisation strength (scikit-learn's C), &gt; 0
   */
  public static Model fit(double[][] x, boolean[] y, double c) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need as many labels as rows, and at least one row");
    }
    if (!(c > 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("C must be positive and finite");
    }
    boolean anyPositive = false;
    boolean anyNegative = false;
    for (boolean label : y) {
      anyPositive |= label;
      anyNegative |= !label;
    }
    if (!anyPositive || !anyNegative) {
      throw new IllegalArgumentException("logistic regression needs both classes in its training rows");
    }
    int d = x[0].length;
    for (double[] row : x) {
      if (row.length != d) {
        throw new IllegalArgumentException("rows differ in width");
      }
    }
    Objective objective = new Objective(x, y, c);
    int n = d + 1; // parameters: w then b
    double[] theta = new double[n];
    double[] grad = new double[n];
    double value = objective.evaluate(theta, grad);
    double[][] s = new double[MEMORY][];
    double[][] g = new double[MEMORY][];
    double[] rho = new double[MEMORY];
    int stored = 0;
    int next = 0;
    double[] direction = new double[n];
    double[] alpha = new double[MEMORY];
    double[] trial = new double[n];
    double[] trialGrad = new double[n];
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      if (maxAbs(grad) <= TOLERANCE * Math.max(1, value)) {
        return model(theta, iteration, true);
      }
      // two-loop recursion: direction = −H·grad
      for (int j = 0; j < n; j++) {
        direction[j] = -grad[j];
      }
      for (int m = 0; m < stored; m++) {
        int i = Math.floorMod(next - 1 - m, MEMORY);
        alpha[i] = rho[i] * dot(s[i], direction);
        axpy(-alpha[i], g[i], direction);
      }
      if (stored > 0) {
        int last = Math.floorMod(next - 1, MEMORY);
        scale(dot(s[last], g[last]) / dot(g[last], g[last]), direction);
      } else {
        scale(1 / Math.max(1, norm(grad)), direction);
      }
      for (int m = stored - 1; m >= 0; m--) {
        int i = Math.floorMod(next - 1 - m, MEMORY);
        double beta = rho[i] * dot(g[i], direction);
        axpy(alpha[i] - beta, s[i], direction);
      }
      double slope = dot(grad, direction);
      if (!(slope < 0)) { // lost descent through rounding: restart from the gradient
        stored = 0;
        for (int j = 0; j < n; j++) {
          direction[j] = -grad[j] / Math.max(1, norm(grad));
        }
        slope = dot(grad, direction);
      }
      double step = 1;
      double trialValue = Double.NaN;
      boolean accepted = false;
      for (int halvings = 0; halvings < 60; halvings++) {
        for (int j = 0; j < n; j++) {
          trial[j] = theta[j] + step * direction[j];
        }
        trialValue = objective.evaluate(trial, trialGrad);
        if (trialValue <= value + 1e-4 * step * slope) {
          accepted = true;
          break;
        }
        step /= 2;
      }
      if (!accepted) { // no decrease is representable any more: this is the optimum to double precision
        return model(theta, iteration, maxAbs(grad) <= 1e-5 * Math.max(1, value));
      }
      double[] sNew = new double[n];
      double[] gNew = new double[n];
      for (int j = 0; j < n; j++) {
        sNew[j] = trial[j] - theta[j];
        gNew[j] = trialGrad[j] - grad[j];
      }
      double curvature = dot(sNew, gNew);
      if (curvature > 1e-12 * norm(sNew) * norm(gNew)) {
        s[next] = sNew;
        g[next] = gNew;
        rho[next] = 1 / curvature;
        next = (next + 1) % MEMORY;
        stored = Math.min(stored + 1, MEMORY);
      }
      System.arraycopy(trial, 0, theta, 0, n);
      System.arraycopy(trialGrad, 0, grad, 0, n);
      value = trialValue;
    }
    return model(theta, MAX_ITERATIONS, maxAbs(grad) <= TOLERANCE * Math.max(1, value));
  }

  private static Model model(double[] theta, int iterations, boolean converged) {
    double[] w = new double[theta.length - 1];
    System.arraycopy(theta, 0, w, 0, w.length);
    return new Model(w, theta[theta.length - 1], iterations, converged);
  }

  /** f(w, b) and its gradient. */
  private record Objective(double[][] x, boolean[] y, double c) {

    double evaluate(double[] theta, double[] grad) {
      int d = theta.length - 1;
      double value = 0;
      for (int j = 0; j < d; j++) {
        value += 0.5 * theta[j] * theta[j];
        grad[j] = theta[j];
      }
      grad[d] = 0;
      for (int i = 0; i < x.length; i++) {
        double[] row = x[i];
        double z = theta[d];
        for (int j = 0; j < d; j++) {
          z += theta[j] * row[j];
        }
        double margin = y[i] ? z : -z;
        value += c * softplus(-margin);
        // d/dz log(1 + exp(−y z)) = −y · σ(−y z)
        double weight = -c * sigmoid(-margin) * (y[i] ? 1 : -1);
        for (int j = 0; j < d; j++) {
          grad[j] += weight * row[j];
        }
        grad[d] += weight;
      }
      return value;
    }

    /** log(1 + e^t) without overflow. */
    private static double softplus(double t) {
      return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    private static double sigmoid(double t) {
      if (t >= 0) {
        return 1 / (1 + Math.exp(-t));
      }
      double e = Math.exp(t);
      return e / (1 + e);
    }
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void scale(double a, double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  private static double norm(double[] x) {
    return Math.sqrt(dot(x, x));
  }

  private static double maxAbs(double[] x) {
    double max = 0;
    for (double v : x) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
