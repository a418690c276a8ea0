package io.snmfservice.snmf;

import java.util.Arrays;

/**
 * A deliberately plain double-precision SNMF written straight from docs/architecture.md, SNMF (row-major 2-D
 * arrays, explicit loops, Gauss-Jordan solve, the loss from the full residual), used as the
 * independent reference for the engine.
 */
final class ReferenceSnmf {

  double[][] f;
  double[][] g;
  final double[][] a;
  final double sparsity;
  final double eps = 1e-6;

  ReferenceSnmf(double[][] a, double[][] g0, double sparsity) {
    this.a = a;
    this.g = deepCopy(g0);
    this.sparsity = sparsity;
  }

  /** One iteration; returns ‖A − FGᵀ‖²_F after the G update. */
  double iterate() {
    int d = a.length;
    int n = a[0].length;
    int k = g[0].length;
    // 1. F = A G (GᵀG + εI)⁻¹
    double[][] ag = new double[d][k];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int t = 0; t < n; t++) {
          s += a[i][t] * g[t][j];
        }
        ag[i][j] = s;
      }
    }
    double[][] gtg = new double[k][k];
    for (int p = 0; p < k; p++) {
      for (int q = 0; q < k; q++) {
        double s = 0;
        for (int t = 0; t < n; t++) {
          s += g[t][p] * g[t][q];
        }
        gtg[p][q] = s + (p == q ? eps : 0);
      }
    }
    double[][] inv = invert(gtg);
    f = new double[d][k];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += ag[i][p] * inv[p][j];
        }
        f[i][j] = s;
      }
    }
    // 2. winner-take-all per column, ties kept
    int keep = (int) Math.ceil(sparsity * d);
    for (int j = 0; j < k; j++) {
      double[] abs = new double[d];
      for (int i = 0; i < d; i++) {
        abs[i] = Math.abs(f[i][j]);
      }
      Arrays.sort(abs);
      double threshold = abs[d - keep];
      for (int i = 0; i < d; i++) {
        if (Math.abs(f[i][j]) < threshold) {
          f[i][j] = 0;
        }
      }
    }
    // 3. rescale
    for (int j = 0; j < k; j++) {
      double norm = 0;
      for (int t = 0; t < n; t++) {
        norm += g[t][j] * g[t][j];
      }
      norm = Math.max(Math.sqrt(norm), 1e-8);
      for (int t = 0; t < n; t++) {
        g[t][j] /= norm;
      }
      for (int i = 0; i < d; i++) {
        f[i][j] *= norm;
      }
    }
    // 4. multiplicative G update
    double[][] atf = new double[n][k];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += a[i][t] * f[i][j];
        }
        atf[t][j] = s;
      }
    }
    double[][] ftf = new double[k][k];
    for (int p = 0; p < k; p++) {
      for (int q = 0; q < k; q++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += f[i][p] * f[i][q];
        }
        ftf[p][q] = s;
      }
    }
    double[][] next = new double[n][k];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < k; j++) {
        double gNeg = 0;
        double gPos = 0;
        for (int p = 0; p < k; p++) {
          gNeg += g[t][p] * (Math.abs(ftf[p][j]) - ftf[p][j]) / 2;
          gPos += g[t][p] * (Math.abs(ftf[p][j]) + ftf[p][j]) / 2;
        }
        double num = (Math.abs(atf[t][j]) + atf[t][j]) / 2 + gNeg;
        double den = (Math.abs(atf[t][j]) - atf[t][j]) / 2 + gPos + eps;
        next[t][j] = g[t][j] * Math.sqrt(num / den);
      }
    }
    g = next;
    // 5. loss from the full residual
    double loss = 0;
    for (int i = 0; i < d; i++) {
      for (int t = 0; t < n; t++) {
        double r = a[i][t];
        for (int j = 0; j < k; j++) {
          r -= f[i][j] * g[t][j];
        }
        loss += r * r;
      }
    }
    return loss;
  }

  private static double[][] invert(double[][] m) {
    int k = m.length;
    double[][] w = new double[k][2 * k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(m[i], 0, w[i], 0, k);
      w[i][k + i] = 1;
    }
    for (int c = 0; c < k; c++) {
      int p = c;
      for (int r = c + 1; r < k; r++) {
        if (Math.abs(w[r][c]) > Math.abs(w[p][c])) {
          p = r;
        }
      }
      double[] t = w[c];
      w[c] = w[p];
      w[p] = t;
      double pivot = w[c][c];
      for (int j = 0; j < 2 * k; j++) {
        w[c][j] /= pivot;
      }
      for (int r = 0; r < k; r++) {
        if (r != c) {
          double factor = w[r][c];
          for (int j = 0; j < 2 * k; j++) {
            w[r][j] -= factor * w[c][j];
          }
        }
      }
    }
    double[][] inv = new double[k][k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(w[i], k, inv[i], 0, k);
    }
    return inv;
  }

  static double[][] deepCopy(double[][] x) {
    double[][] c = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i].clone();
    }
    return c;
  }
}
