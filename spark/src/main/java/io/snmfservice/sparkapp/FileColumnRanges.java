package io.snmfservice.sparkapp;

import io.snmfservice.activations.store.ActivationFileReader;
import java.nio.file.Path;

/** One activation file in column ranges of a whole number of chunks each, about n / partitions columns. */
final class FileColumnRanges implements ColumnShards {

  private final String file;
  private final int d;
  private final long n;
  private final long perPartition;

  FileColumnRanges(Path file, int partitions, int chunkColumns) {
    try (ActivationFileReader r = ActivationFileReader.open(file)) {
      this.d = r.d();
      this.n = r.n();
    }
    this.file = file.toAbsolutePath().toString();
    long share = (n + partitions - 1) / partitions;
    this.perPartition = Math.max(1, (share + chunkColumns - 1) / chunkColumns) * chunkColumns;
  }

  @Override
  public int d() {
    return d;
  }

  @Override
  public long n() {
    return n;
  }

  @Override
  public int count() {
    return (int) ((n + perPartition - 1) / perPartition);
  }

  @Override
  public ColumnShard shard(int partition) {
    long start = partition * perPartition;
    return new ColumnShard(file, start, start, (int) Math.min(perPartition, n - start));
  }
}
