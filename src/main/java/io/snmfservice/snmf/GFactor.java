package io.snmfservice.snmf;

/** The coefficient matrix G (n×K, ≥ 0) of a result, readable in row blocks for large n. */
public final class GFactor {

  private final TensorOps ops;
  private final GStore store;
  private final int slot;
  private final ChunkLayout layout;
  private final int k;

  GFactor(TensorOps ops, GStore store, int slot, ChunkLayout layout, int k) {
    this.ops = ops;
    this.store = store;
    this.slot = slot;
    this.layout = layout;
    this.k = k;
  }

  public long n() {
    return layout.n();
  }

  public int k() {
    return k;
  }

  /** Rows [start, start+count) row-major: G[start+i][j] at out[i*K + j]. */
  public double[] readRows(long start, int count) {
    if (start < 0 || count < 0 || start + count > n()) {
      throw new IndexOutOfBoundsException("rows [" + start + ", " + (start + count) + ") outside [0, " + n() + ")");
    }
    double[] out = new double[count * k];
    long row = start;
    while (row < start + count) {
      int chunk = (int) (row / layout.chunkColumns());
      long chunkStart = layout.start(chunk);
      int rows = layout.size(chunk);
      DeviceTensor block = store.read(slot, chunk);
      double[] cm = ops.toColumnMajorDouble(block);
      store.release(block);
      long end = Math.min(start + count, chunkStart + rows);
      for (long r = row; r < end; r++) {
        int local = (int) (r - chunkStart);
        int o = (int) (r - start) * k;
        for (int j = 0; j < k; j++) {
          out[o + j] = cm[local + j * rows];
        }
      }
      row = end;
    }
    return out;
  }

  /** Replaces all of G (row-major n×K), chunk by chunk; used by the hierarchy fine-tune. */
  void overwrite(double[] rowMajor) {
    for (int c = 0; c < layout.count(); c++) {
      int rows = layout.size(c);
      long start = layout.start(c);
      double[] cm = new double[rows * k];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < k; j++) {
          cm[i + j * rows] = rowMajor[(int) ((start + i) * k + j)];
        }
      }
      store.write(slot, c, ops.fromColumnMajor(cm, rows, k));
    }
  }

  /** The whole of G as rows (only for modest n). */
  public double[][] toArray() {
    int n = Math.toIntExact(n());
    double[] flat = readRows(0, n);
    double[][] g = new double[n][k];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * k, g[i], 0, k);
    }
    return g;
  }
}
