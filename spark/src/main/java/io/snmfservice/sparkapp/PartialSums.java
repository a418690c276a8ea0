package io.snmfservice.sparkapp;

import java.io.Serializable;

/** Σ A_c·G_c, Σ G_cᵀG_c (and Σ‖A_c‖² on the first pass) over some partitions: what tree aggregation adds up. */
final class PartialSums implements Serializable {

  final double[] m;
  final double[] s;
  double normA2;

  PartialSums(int d, int k) {
    this.m = new double[d * k];
    this.s = new double[k * k];
  }

  PartialSums add(PartitionG g) {
    addArrays(g.m, g.s);
    normA2 += g.normA2;
    return this;
  }

  PartialSums merge(PartialSums o) {
    addArrays(o.m, o.s);
    normA2 += o.normA2;
    return this;
  }

  private void addArrays(double[] om, double[] os) {
    for (int i = 0; i < m.length; i++) {
      m[i] += om[i];
    }
    for (int i = 0; i < s.length; i++) {
      s[i] += os[i];
    }
  }
}
