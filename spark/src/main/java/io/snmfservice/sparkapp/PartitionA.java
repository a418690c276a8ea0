package io.snmfservice.sparkapp;

import io.snmfservice.activations.store.ActivationFileReader;
import io.snmfservice.snmf.DeviceTensor;
import io.snmfservice.snmf.SnmfValidationException;
import io.snmfservice.snmf.TensorOps;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * One partition's columns of A, read once from the activation store and cached on its executor, in chunks of the
 * engine's chunk size (column-major d×n_c float32, as the engine uploads them).
 */
final class PartitionA implements Serializable {

  final int d;
  final long[] starts;
  final int[] columns;
  final float[][] chunks;
  /** Σ a² over the partition, measured while validating on read. */
  final double normA2;

  private PartitionA(int d, long[] starts, int[] columns, float[][] chunks, double normA2) {
    this.d = d;
    this.starts = starts;
    this.columns = columns;
    this.chunks = chunks;
    this.normA2 = normA2;
  }

  static PartitionA read(ColumnShard shard, int d, int chunkColumns) {
    int count = (shard.columns() + chunkColumns - 1) / chunkColumns;
    long[] starts = new long[count];
    int[] columns = new int[count];
    float[][] chunks = new float[count][];
    double normA2 = 0;
    try (ActivationFileReader r = ActivationFileReader.open(Path.of(shard.file()))) {
      for (int c = 0; c < count; c++) {
        long offset = (long) c * chunkColumns;
        columns[c] = (int) Math.min(chunkColumns, shard.columns() - offset);
        starts[c] = shard.globalStart() + offset;
        chunks[c] = new float[columns[c] * d];
        r.readColumns(shard.fileStart() + offset, columns[c], chunks[c]);
        normA2 += checkedSumOfSquares(chunks[c], d, starts[c]);
      }
    }
    return new PartitionA(d, starts, columns, chunks, normA2);
  }

  private static double checkedSumOfSquares(float[] a, int d, long firstColumn) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double v = a[i];
      if (!Double.isFinite(v)) {
        throw new SnmfValidationException("A contains " + v + " at row " + (i % d) + ", column "
            + (firstColumn + i / d));
      }
      s += v * v;
    }
    return s;
  }

  DeviceTensor upload(TensorOps ops, int chunk) {
    return ops.fromColumnMajor(chunks[chunk], d, columns[chunk]);
  }
}
