package io.snmfservice.snmf;

/**
 * Adam on MSE(A, F_L Pᵀ) with P = G₁ G₂ ⋯ G_L (n×K_L). With E = F_L Pᵀ − A and c = 2/(d·n):
 * ∂/∂F_L = c (F_L PᵀP − A P), ∂/∂P = c (P F_LᵀF_L − Aᵀ F_L), and for P = L_l G_l R_l
 * (L₁ = I, L_l = G₁⋯G_{l−1}, R_l = G_{l+1}⋯G_L, R_L = I): ∂/∂G_l = L_lᵀ (∂/∂P) R_lᵀ.
 * A·P and Aᵀ·F_L take one pass over A per step on the tensor backend; the rest is n×K or smaller
 * and runs on the host. All matrices here are row-major.
 */
final class HierarchyFineTune {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;

  private HierarchyFineTune() {}

  /**
   * Tunes fTop (d×K_L, row-major) and gs[l] (rows_l×K_l row-major, rows₀ = n) in place.
   *
   * @return the MSE before each step
   */
  static double[] run(TensorOps ops, ActivationSource a, int chunkColumns, double[] fTop, double[][] gs, int[] ks,
      FineTune cfg, CancellationSignal cancel) {
    int d = a.d();
    int n = Math.toIntExact(a.n());
    int levels = ks.length;
    int kl = ks[levels - 1];
    int[] rows = new int[levels];
    rows[0] = n;
    for (int l = 1; l < levels; l++) {
      rows[l] = ks[l - 1];
    }
    Adam fAdam = new Adam(fTop.length);
    Adam[] gAdam = new Adam[levels];
    for (int l = 0; l < levels; l++) {
      gAdam[l] = new Adam(gs[l].length);
    }
    double normA2 = 0;
    float[] host = new float[d * Math.min(chunkColumns, n)];
    for (int start = 0; start < n; start += chunkColumns) {
      int count = Math.min(chunkColumns, n - start);
      a.readColumns(start, count, host);
      for (int i = 0; i < count * d; i++) {
        normA2 += (double) host[i] * host[i];
      }
    }
    double scale = 2.0 / ((double) d * n);
    double[] mse = new double[cfg.steps()];
    for (int step = 0; step < cfg.steps(); step++) {
      if (cancel.isCancelled()) {
        throw new SnmfCancelledException(step);
      }
      // R_l = G_{l+1} ⋯ G_L (ks[l]×K_L), R_{L-1} = I
      double[][] r = new double[levels][];
      r[levels - 1] = identity(kl);
      for (int l = levels - 2; l >= 0; l--) {
        r[l] = multiply(gs[l + 1], r[l + 1], rows[l + 1], ks[l + 1], kl);
      }
      double[] p = multiply(gs[0], r[0], n, ks[0], kl);
      double[] ap = new double[d * kl];
      double[] atf = new double[n * kl];
      productsWithA(ops, a, chunkColumns, host, p, fTop, kl, ap, atf);
      double[] ptp = transposeTimes(p, p, n, kl, kl);
      double[] ftf = transposeTimes(fTop, fTop, d, kl, kl);
      mse[step] = (normA2 - 2 * dotProduct(fTop, ap) + dotProduct(ftf, ptp)) / ((double) d * n);
      // gradients
      double[] gradF = multiply(fTop, ptp, d, kl, kl);
      for (int i = 0; i < gradF.length; i++) {
        gradF[i] = scale * (gradF[i] - ap[i]);
      }
      double[] gradP = multiply(p, ftf, n, kl, kl);
      for (int i = 0; i < gradP.length; i++) {
        gradP[i] = scale * (gradP[i] - atf[i]);
      }
      double[][] gradG = new double[levels][];
      double[] left = null; // L_l = G₁⋯G_{l−1}, n×ks[l-1]
      for (int l = 0; l < levels; l++) {
        double[] x = l == 0 ? gradP : transposeTimes(left, gradP, n, ks[l - 1], kl); // L_lᵀ ∂P
        gradG[l] = timesTranspose(x, r[l], rows[l], kl, ks[l]);                     // · R_lᵀ
        left = l == 0 ? gs[0] : multiply(left, gs[l], n, ks[l - 1], ks[l]);
      }
      fAdam.step(fTop, gradF, cfg.learningRate(), false);
      for (int l = 0; l < levels; l++) {
        gAdam[l].step(gs[l], gradG[l], cfg.learningRate(), true);
      }
    }
    return mse;
  }

  /** AP += A_c P_c and AtF rows of chunk c = A_cᵀ F, one pass over A. */
  private static void productsWithA(TensorOps ops, ActivationSource a, int chunkColumns, float[] host, double[] p,
      double[] f, int kl, double[] ap, double[] atf) {
    int d = a.d();
    int n = Math.toIntExact(a.n());
    try (DeviceTensor fTensor = ops.fromColumnMajor(rowToColumnMajor(f, d, kl), d, kl)) {
      for (int start = 0; start < n; start += chunkColumns) {
        int count = Math.min(chunkColumns, n - start);
        a.readColumns(start, count, host);
        double[] pc = new double[count * kl];
        for (int i = 0; i < count; i++) {
          for (int j = 0; j < kl; j++) {
            pc[i + j * count] = p[(start + i) * kl + j];
          }
        }
        float[] block = count * d == host.length ? host : java.util.Arrays.copyOf(host, count * d);
        try (DeviceTensor ac = ops.fromColumnMajor(block, d, count);
            DeviceTensor pt = ops.fromColumnMajor(pc, count, kl);
            DeviceTensor m = ops.gemm(ac, false, pt, false);
            DeviceTensor q = ops.gemm(ac, true, fTensor, false)) {
          double[] mc = ops.toColumnMajorDouble(m);
          for (int i = 0; i < d; i++) {
            for (int j = 0; j < kl; j++) {
              ap[i * kl + j] += mc[i + j * d];
            }
          }
          double[] qc = ops.toColumnMajorDouble(q);
          for (int i = 0; i < count; i++) {
            for (int j = 0; j < kl; j++) {
              atf[(start + i) * kl + j] = qc[i + j * count];
            }
          }
        }
      }
    }
  }

  static double[] rowToColumnMajor(double[] x, int rows, int cols) {
    double[] out = new double[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i + j * rows] = x[i * cols + j];
      }
    }
    return out;
  }

  static double[] columnToRowMajor(double[] x, int rows, int cols) {
    double[] out = new double[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i * cols + j] = x[i + j * rows];
      }
    }
    return out;
  }

  private static double[] identity(int k) {
    double[] m = new double[k * k];
    for (int i = 0; i < k; i++) {
      m[i * k + i] = 1;
    }
    return m;
  }

  /** X (m×p) · Y (p×q). */
  static double[] multiply(double[] x, double[] y, int m, int p, int q) {
    double[] out = new double[m * q];
    for (int i = 0; i < m; i++) {
      for (int t = 0; t < p; t++) {
        double v = x[i * p + t];
        if (v != 0) {
          for (int j = 0; j < q; j++) {
            out[i * q + j] += v * y[t * q + j];
          }
        }
      }
    }
    return out;
  }

  /** Xᵀ (p×m) · Y (m×q) for X m×p. */
  private static double[] transposeTimes(double[] x, double[] y, int m, int p, int q) {
    double[] out = new double[p * q];
    for (int i = 0; i < m; i++) {
      for (int t = 0; t < p; t++) {
        double v = x[i * p + t];
        if (v != 0) {
          for (int j = 0; j < q; j++) {
            out[t * q + j] += v * y[i * q + j];
          }
        }
      }
    }
    return out;
  }

  /** X (m×p) · Yᵀ for Y q×p. */
  private static double[] timesTranspose(double[] x, double[] y, int m, int p, int q) {
    double[] out = new double[m * q];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < q; j++) {
        double s = 0;
        for (int t = 0; t < p; t++) {
          s += x[i * p + t] * y[j * p + t];
        }
        out[i * q + j] = s;
      }
    }
    return out;
  }

  private static double dotProduct(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  /** Adam state of one parameter array. */
  private static final class Adam {
    private final double[] m;
    private final double[] v;
    private int t;

    Adam(int size) {
      m = new double[size];
      v = new double[size];
    }

    void step(double[] param, double[] grad, double lr, boolean nonNegative) {
      t++;
      double c1 = 1 - Math.pow(BETA1, t);
      double c2 = 1 - Math.pow(BETA2, t);
      for (int i = 0; i < param.length; i++) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
        v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
        double next = param[i] - lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
        param[i] = nonNegative ? Math.max(next, 0) : next;
      }
    }
  }
}
