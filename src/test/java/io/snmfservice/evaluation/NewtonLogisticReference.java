package io.snmfservice.evaluation;

/**
 * An independent solver for the same objective as {@link LogisticRegression} — ½‖w‖² + C Σ log(1 + e^(−y(w·x+b))),
 * intercept unpenalised — by Newton's method with the exact Hessian and Gaussian elimination, written for tests
 * only. The objective is strictly convex, so both solvers must land on the same point.
 */
public final class NewtonLogisticReference {

  private NewtonLogisticReference() {}

  /** {w_0 … w_{d−1}, b}. */
  public static double[] fit(double[][] x, boolean[] y, double c) {
    int d = x[0].length;
    int n = d + 1;
    double[] theta = new double[n];
    for (int iteration = 0; iteration < 100; iteration++) {
      double[] grad = new double[n];
      double[][] hessian = new double[n][n];
      for (int j = 0; j < d; j++) {
        grad[j] = theta[j];
        hessian[j][j] = 1;
      }
      for (int i = 0; i < x.length; i++) {
        double[] xi = new double[n];
        System.arraycopy(x[i], 0, xi, 0, d);
        xi[d] = 1;
        double z = 0;
        for (int j = 0; j < n; j++) {
          z += theta[j] * xi[j];
        }
        double p = 1 / (1 + Math.exp(-z)); // P(y = +1)
        double target = y[i] ? 1 : 0;
        for (int j = 0; j < n; j++) {
          grad[j] += c * (p - target) * xi[j];
          for (int k = 0; k < n; k++) {
            hessian[j][k] += c * p * (1 - p) * xi[j] * xi[k];
          }
        }
      }
      double[] step = solve(hessian, grad);
      double size = 0;
      for (int j = 0; j < n; j++) {
        theta[j] -= step[j];
        size = Math.max(size, Math.abs(step[j]));
      }
      if (size < 1e-13) {
        break;
      }
    }
    return theta;
  }

  /** Solves A·s = b by Gaussian elimination with partial pivoting (A is copied). */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = java.util.Arrays.copyOf(a[i], n + 1);
      m[i][n] = b[i];
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = m[col];
      m[col] = m[pivot];
      m[pivot] = t;
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / m[col][col];
        for (int k = col; k <= n; k++) {
          m[r][k] -= f * m[col][k];
        }
      }
    }
    double[] s = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double sum = m[r][n];
      for (int k = r + 1; k < n; k++) {
        sum -= m[r][k] * s[k];
      }
      s[r] = sum / m[r][r];
    }
    return s;
  }
}
