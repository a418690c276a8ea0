package io.snmfservice.compute;

import io.snmfservice.transformer.TransformerConfig;

/**
 * Batch and chunk sizes from free memory, as pure functions so the arithmetic is tested on its own. The estimates
 * are deliberately generous (every intermediate of a forward pass stays allocated until the pass ends, because a
 * pass's arrays share one memory scope).
 */
public final class MemorySizing {

  /** Chunks are multiples of this many columns (whole SIMD/GEMM panels; also keeps sizes readable in logs). */
  static final int CHUNK_GRANULE = 256;

  private MemorySizing() {}

  /**
   * Columns of A per SNMF chunk: the device holds the A chunk (d floats a column) and about six n_c×K blocks (G
   * read and written, AᵀF, G·[P|N] twice as wide); the host holds the chunk once more on the Java heap while it
   * is read from the file, so one chunk may take at most an eighth of the heap.
   */
  public static int snmfChunkColumns(int d, int k, long freeDeviceBytes, long maxHeapBytes,
      ComputeProperties.Memory limits) {
    long perColumnDevice = 4L * (d + 6L * k);
    long byDevice = (long) (limits.fraction() * Math.max(0, freeDeviceBytes)) / perColumnDevice;
    long byHeap = maxHeapBytes / 8 / (4L * d);
    long byCap = limits.maxChunkBytes().toBytes() / (4L * d);
    long columns = Math.min(Math.min(byDevice, byHeap), Math.min(byCap, limits.maxChunkColumns()));
    return (int) Math.max(CHUNK_GRANULE, columns / CHUNK_GRANULE * CHUNK_GRANULE);
  }

  /** Bytes one sequence of {@code contextLength} tokens takes in a forward pass through {@code layers} blocks. */
  static long bytesPerSequence(TransformerConfig c, int contextLength, int layers) {
    long perTokenPerLayer = 12L * c.dModel() + 4L * c.dMlp() + 3L * c.nHeads() * contextLength;
    return 4L * contextLength * Math.max(1, layers) * perTokenPerLayer;
  }

  /**
   * Sequences per forward pass when recording activations: what the request asks for, capped by
   * {@code maxBatchSize} and by what fits into the allowed share of free device memory (at least 1).
   */
  public static int collectBatch(TransformerConfig c, int contextLength, int layers, int requested,
      long freeDeviceBytes, ComputeProperties.Memory limits) {
    long fits = (long) (limits.fraction() * Math.max(0, freeDeviceBytes)) / bytesPerSequence(c, contextLength, layers);
    long batch = Math.min(Math.min(requested, limits.maxBatchSize()), fits);
    return (int) Math.max(1, batch);
  }
}
