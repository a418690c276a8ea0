package io.snmfservice.sparkapp;

import io.snmfservice.snmf.ChunkStep;
import io.snmfservice.snmf.DeviceTensor;
import io.snmfservice.snmf.Nd4jTensorOps;
import io.snmfservice.snmf.RandomInit;
import io.snmfservice.snmf.SnmfIterations;
import io.snmfservice.snmf.SnmfPrecision;
import io.snmfservice.snmf.StoredResult;
import io.snmfservice.snmf.TensorOps;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * One partition's rows of G after a pass (per chunk, column-major n_c×K, in the precision of the factorization)
 * and the partition's share of that pass's sums.
 */
final class PartitionG implements Serializable {

  final long[] starts;
  final int[] rows;
  final float[][] g32;
  final double[][] g64;
  final double[] m;
  final double[] s;
  /** ‖A‖² of the partition on the first pass, else 0. */
  final double normA2;

  private PartitionG(PartitionA a, float[][] g32, double[][] g64, SnmfIterations.Sums sums, double normA2) {
    this.starts = a.starts;
    this.rows = a.columns;
    this.g32 = g32;
    this.g64 = g64;
    this.m = sums.m();
    this.s = sums.s();
    this.normA2 = normA2;
  }

  /** G₀ (the engine's random rows, drawn by row offset) and its sums. */
  static PartitionG initial(PartitionA a, long seed, int k, SnmfPrecision precision) {
    TaskThreads.limit();
    try (TensorOps ops = new Nd4jTensorOps(precision)) {
      Blocks out = new Blocks(a.chunks.length, precision, a.d, k);
      for (int c = 0; c < a.chunks.length; c++) {
        double[] g0 = RandomInit.block(seed, a.starts[c], a.columns[c], k);
        try (DeviceTensor at = a.upload(ops, c)) {
          ChunkStep.Output o = ChunkStep.sums(ops, at, ops.fromColumnMajor(g0, a.columns[c], k));
          out.keep(ops, c, o);
        }
      }
      return new PartitionG(a, out.g32, out.g64, out.sums, a.normA2);
    }
  }

  /** Step 4 on this partition: ChunkStep.apply on each chunk with the broadcast F. */
  PartitionG update(PartitionA a, FactorBroadcast f) {
    TaskThreads.limit();
    try (TensorOps ops = new Nd4jTensorOps(f.precision());
        ChunkStep.Factor factor = ChunkStep.Factor.upload(ops, f.f(), f.ftf(), f.scale(), f.d(), f.k())) {
      Blocks out = new Blocks(a.chunks.length, f.precision(), f.d(), f.k());
      for (int c = 0; c < a.chunks.length; c++) {
        try (DeviceTensor at = a.upload(ops, c); DeviceTensor g = upload(ops, c, f.k())) {
          out.keep(ops, c, ChunkStep.apply(ops, factor, at, g, f.epsilon()));
        }
      }
      return new PartitionG(a, out.g32, out.g64, out.sums, 0);
    }
  }

  /** Writes this partition's chunks of G into the result's g.bin. */
  void write(Path dir, int k) {
    for (int c = 0; c < starts.length; c++) {
      StoredResult.writeGChunk(dir, starts[c], rows[c], k, g32 != null ? g32[c] : null, g64 != null ? g64[c] : null);
    }
  }

  private DeviceTensor upload(TensorOps ops, int chunk, int k) {
    return g32 != null
        ? ops.fromColumnMajor(g32[chunk], rows[chunk], k)
        : ops.fromColumnMajor(g64[chunk], rows[chunk], k);
  }

  /** New G blocks downloaded from the chunk outputs, and the running sums. */
  private static final class Blocks {
    final float[][] g32;
    final double[][] g64;
    final SnmfIterations.Sums sums;

    Blocks(int chunks, SnmfPrecision precision, int d, int k) {
      boolean wide = precision == SnmfPrecision.FLOAT64;
      this.g32 = wide ? null : new float[chunks][];
      this.g64 = wide ? new double[chunks][] : null;
      this.sums = SnmfIterations.Sums.zero(d, k);
    }

    void keep(TensorOps ops, int chunk, ChunkStep.Output o) {
      try (DeviceTensor g = o.g()) {
        if (g32 != null) {
          g32[chunk] = ops.toColumnMajorFloat(g);
        } else {
          g64[chunk] = ops.toColumnMajorDouble(g);
        }
      }
      sums.add(o.ag(), o.gtg());
    }
  }
}
