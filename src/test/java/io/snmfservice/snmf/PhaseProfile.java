package io.snmfservice.snmf;

import java.util.Map;
import java.util.TreeMap;

/** Where an iteration's time goes: the engine on a TensorOps that times every call (a benchmark aid). */
public final class PhaseProfile {

  private PhaseProfile() {}

  static final Map<String, long[]> TIMES = new TreeMap<>();

  static synchronized void add(String key, long nanos) {
    long[] t = TIMES.computeIfAbsent(key, k -> new long[2]);
    t[0] += nanos;
    t[1]++;
  }

  static final class Timed implements TensorOps {
    final TensorOps d;

    Timed(TensorOps d) {
      this.d = d;
    }

    private static <T> T time(String key, java.util.function.Supplier<T> s) {
      long t0 = System.nanoTime();
      T r = s.get();
      add(key, System.nanoTime() - t0);
      return r;
    }

    public SnmfPrecision precision() { return d.precision(); }
    public Tensor fromColumnMajor(float[] v, int r, int c) { return time("upload", () -> d.fromColumnMajor(v, r, c)); }
    public Tensor fromColumnMajor(double[] v, int r, int c) { return time("upload", () -> d.fromColumnMajor(v, r, c)); }
    public void copyInto(Tensor t, float[] v) { time("copyInto", () -> { d.copyInto(t, v); return null; }); }
    public void copyInto(Tensor t, double[] v) { time("copyInto", () -> { d.copyInto(t, v); return null; }); }
    public java.nio.ByteBuffer float32HostBytes(Tensor t) { return d.float32HostBytes(t); }
    public Tensor gemm(Tensor a, boolean ta, Tensor b, boolean tb) {
      String key = "gemm " + (ta ? a.cols() : a.rows()) + "x" + (tb ? b.rows() : b.cols()) + " inner " + (ta ? a.rows() : a.cols());
      key = key.replaceAll("\\d{4,}", "N");
      return time(key, () -> d.gemm(a, ta, b, tb));
    }
    public Tensor multiplicativeUpdate(Tensor g, double[] s, Tensor atf, Tensor split, double eps) {
      return time("multiplicativeUpdate", () -> d.multiplicativeUpdate(g, s, atf, split, eps));
    }
    public ChunkUpdate chunkUpdate(Tensor a, Tensor f, Tensor g, double[] s, Tensor split, double eps) {
      return time("chunkUpdate", () -> d.chunkUpdate(a, f, g, s, split, eps));
    }
    public double[] toColumnMajorDouble(Tensor t) { return time("download", () -> d.toColumnMajorDouble(t)); }
    public float[] toColumnMajorFloat(Tensor t) { return time("download", () -> d.toColumnMajorFloat(t)); }
    public SymmetricEigen symmetricEigen(double[] a, int n) { return d.symmetricEigen(a, n); }
    public void close() { d.close(); }
  }

  /** Arguments: d n K iterations chunk. */
  public static void main(String[] args) {
    int d = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    int k = Integer.parseInt(args[2]);
    int it = Integer.parseInt(args[3]);
    int chunk = Integer.parseInt(args[4]);
    float[] a = io.snmfservice.snmf.bench.GemmProbe.random(d * n, 7);
    SnmfConfig cfg = SnmfConfig.of(k).withMaxIterations(it).withPatience(it).withChunkColumns(chunk);
    long[] stamps = new long[it + 1];
    try (SnmfResult r = new SnmfEngine(p -> new Timed(new Nd4jTensorOps(p))).factorize(
        ActivationSource.ofColumnMajor(a, d, n), cfg, (i, loss) -> {
          stamps[i] = System.nanoTime();
          if (i == 2) {
            TIMES.clear();
          }
        }, CancellationSignal.NEVER)) {
      double total = (stamps[it] - stamps[2]) / 1e9 / (it - 2);
      System.out.printf("per iteration %.4f s over %d iterations%n", total, it - 2);
      TIMES.forEach((key, v) -> System.out.printf("  %-40s %.4f s/iter (%d calls/iter)%n", key,
          v[0] / 1e9 / (it - 2), v[1] / (it - 2)));
    }
  }
}
