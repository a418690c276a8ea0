package io.snmfservice.snmf;

/**
 * Small dense kernels on the host, in double, on column-major arrays: the d×K and K×K work of an
 * SNMF iteration (cheap next to the d×n products, and deterministic).
 */
final class HostMatrices {

  private HostMatrices() {}

  /** C = XᵀX for a column-major rows×k matrix X (k×k, symmetric). */
  static double[] gram(double[] x, int rows, int k) {
    double[] c = new double[k * k];
    for (int a = 0; a < k; a++) {
      for (int b = a; b < k; b++) {
        int oa = a * rows;
        int ob = b * rows;
        // four partial sums: independent chains the CPU can overlap
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < rows; i += 4) {
          s0 += x[oa + i] * x[ob + i];
          s1 += x[oa + i + 1] * x[ob + i + 1];
          s2 += x[oa + i + 2] * x[ob + i + 2];
          s3 += x[oa + i + 3] * x[ob + i + 3];
        }
        for (; i < rows; i++) {
          s0 += x[oa + i] * x[ob + i];
        }
        double s = (s0 + s1) + (s2 + s3);
        c[a + b * k] = s;
        c[b + a * k] = s;
      }
    }
    return c;
  }

  /** Σ_ij X_ij·Y_ij = tr(XᵀY). */
  static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  /** X⁺ = (|X| + X)/2 elementwise. */
  static double[] positivePart(double[] x) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = (Math.abs(x[i]) + x[i]) / 2;
    }
    return p;
  }

  /** X⁻ = (|X| − X)/2 elementwise. */
  static double[] negativePart(double[] x) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = (Math.abs(x[i]) - x[i]) / 2;
    }
    return p;
  }

  /**
   * X = M (S + εI)⁻¹ for column-major M (rows×k) and symmetric S (k×k), solved row by row with a
   * Cholesky factorization of S + εI (LU with partial pivoting if rounding makes it indefinite).
   */
  static double[] solveRight(double[] m, int rows, double[] s, int k, double eps) {
    double[] a = s.clone();
    for (int i = 0; i < k; i++) {
      a[i + i * k] += eps;
    }
    double[] l = cholesky(a, k);
    double[] x = new double[rows * k];
    double[] rhs = new double[k];
    if (l != null) {
      // X L Lᵀ = M, one whole column (all rows) at a time so the inner loops run over contiguous
      // memory: Y = M L⁻ᵀ forwards in j, then X = Y L⁻¹ backwards in j
      double[] y = m.clone();
      for (int j = 0; j < k; j++) {
        int oj = j * rows;
        for (int p = 0; p < j; p++) {
          double ljp = l[j + p * k];
          int op = p * rows;
          for (int r = 0; r < rows; r++) {
            y[oj + r] -= y[op + r] * ljp;
          }
        }
        double inv = l[j + j * k];
        for (int r = 0; r < rows; r++) {
          y[oj + r] /= inv;
        }
      }
      for (int j = k - 1; j >= 0; j--) {
        int oj = j * rows;
        System.arraycopy(y, oj, x, oj, rows);
        for (int p = j + 1; p < k; p++) {
          double lpj = l[p + j * k];
          int op = p * rows;
          for (int r = 0; r < rows; r++) {
            x[oj + r] -= x[op + r] * lpj;
          }
        }
        double inv = l[j + j * k];
        for (int r = 0; r < rows; r++) {
          x[oj + r] /= inv;
        }
      }
      return x;
    }
    Lu lu = new Lu(a, k);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < k; j++) {
        rhs[j] = m[r + j * rows];
      }
      lu.solveInPlace(rhs);
      for (int j = 0; j < k; j++) {
        x[r + j * rows] = rhs[j];
      }
    }
    return x;
  }

  /** Lower Cholesky factor (column-major) or null when a pivot is not positive. */
  private static double[] cholesky(double[] a, int k) {
    double[] l = new double[k * k];
    for (int j = 0; j < k; j++) {
      double diag = a[j + j * k];
      for (int p = 0; p < j; p++) {
        diag -= l[j + p * k] * l[j + p * k];
      }
      if (!(diag > 0)) {
        return null;
      }
      double ljj = Math.sqrt(diag);
      l[j + j * k] = ljj;
      for (int i = j + 1; i < k; i++) {
        double v = a[i + j * k];
        for (int p = 0; p < j; p++) {
          v -= l[i + p * k] * l[j + p * k];
        }
        l[i + j * k] = v / ljj;
      }
    }
    return l;
  }

  /** LU with partial pivoting, the fallback for a numerically indefinite S + εI. */
  private static final class Lu {
    private final double[] lu;
    private final int[] perm;
    private final int k;

    Lu(double[] a, int k) {
      this.k = k;
      this.lu = a.clone();
      this.perm = new int[k];
      for (int i = 0; i < k; i++) {
        perm[i] = i;
      }
      for (int c = 0; c < k; c++) {
        int p = c;
        for (int r = c + 1; r < k; r++) {
          if (Math.abs(lu[r + c * k]) > Math.abs(lu[p + c * k])) {
            p = r;
          }
        }
        if (p != c) {
          for (int j = 0; j < k; j++) {
            double t = lu[c + j * k];
            lu[c + j * k] = lu[p + j * k];
            lu[p + j * k] = t;
          }
          int t = perm[c];
          perm[c] = perm[p];
          perm[p] = t;
        }
        double pivot = lu[c + c * k];
        if (pivot == 0) {
          throw new SnmfValidationException("singular system in the F update (K too large for the data?)");
        }
        for (int r = c + 1; r < k; r++) {
          double f = lu[r + c * k] / pivot;
          lu[r + c * k] = f;
          for (int j = c + 1; j < k; j++) {
            lu[r + j * k] -= f * lu[c + j * k];
          }
        }
      }
    }

    /** Solves A x = b; S + εI is symmetric so this also gives xᵀ A = bᵀ. */
    void solveInPlace(double[] b) {
      double[] y = new double[k];
      for (int i = 0; i < k; i++) {
        double v = b[perm[i]];
        for (int j = 0; j < i; j++) {
          v -= lu[i + j * k] * y[j];
        }
        y[i] = v;
      }
      for (int i = k - 1; i >= 0; i--) {
        double v = y[i];
        for (int j = i + 1; j < k; j++) {
          v -= lu[i + j * k] * y[j];
        }
        y[i] = v / lu[i + i * k];
      }
      System.arraycopy(y, 0, b, 0, k);
    }
  }

  /** The keep-th largest value of v (v is reordered): Hoare selection, expected O(n). */
  static double kthLargest(double[] v, int keep) {
    int target = v.length - keep; // index in ascending order
    int lo = 0;
    int hi = v.length - 1;
    while (lo < hi) {
      double pivot = v[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (v[i] < pivot) {
          i++;
        }
        while (v[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = v[i];
          v[i] = v[j];
          v[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return v[target];
      }
    }
    return v[target];
  }

  /**
   * Winner-take-all on each column of F (rows×k, in place): the threshold is the keep-th largest
   * |value| of the column, and every entry with |value| ≥ threshold survives (ties are kept).
   */
  static void keepLargestPerColumn(double[] f, int rows, int k, int keep) {
    if (keep >= rows) {
      return;
    }
    double[] abs = new double[rows];
    for (int c = 0; c < k; c++) {
      int o = c * rows;
      for (int i = 0; i < rows; i++) {
        abs[i] = Math.abs(f[o + i]);
      }
      double threshold = kthLargest(abs, keep);
      for (int i = 0; i < rows; i++) {
        if (Math.abs(f[o + i]) < threshold) {
          f[o + i] = 0;
        }
      }
    }
  }
}
