package io.snmfservice.snmf;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link TensorOps} on ND4J: the CPU backend (OpenBLAS GEMM) by default, the CUDA backend when
 * the {@code cuda} Maven profile puts nd4j-cuda on the classpath instead. All arrays are 'f'
 * (column-major) so uploads and downloads are plain copies.
 */
public final class Nd4jTensorOps implements TensorOps {

  private final SnmfPrecision precision;
  private final DataType type;
  /** Host-memory arrays: bulk copies straight into the buffers are safe (not so on CUDA). */
  private final boolean cpu;

  public Nd4jTensorOps(SnmfPrecision precision) {
    // every array here is closed explicitly; ND4J's periodic System.gc() would only stall the
    // iterations (a full collection over the activation matrix)
    Nd4j.getMemoryManager().togglePeriodicGc(false);
    OpenBlasCoreCheck.warnIfSlowKernels();
    this.precision = precision;
    this.type = precision == SnmfPrecision.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    this.cpu = Nd4j.getEnvironment().isCPU();
  }

  @Override
  public SnmfPrecision precision() {
    return precision;
  }

  /** The ND4J array inside a tensor of this backend. */
  static INDArray array(DeviceTensor t) {
    return ((Nd4jTensor) t).array;
  }

  @Override
  public DeviceTensor fromColumnMajor(float[] values, int rows, int cols) {
    if (!cpu) {
      float[] exact = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
      return new Nd4jTensor(Nd4j.create(exact, new long[] {rows, cols}, 'f').castTo(type));
    }
    INDArray a = Nd4j.createUninitialized(type, new long[] {rows, cols}, 'f');
    int length = rows * cols;
    if (type == DataType.FLOAT) {
      // bulk copy into the native buffer (Nd4j.create(float[]) copies element by element)
      a.data().asNioFloat().put(values, 0, length);
    } else {
      double[] wide = new double[length];
      for (int i = 0; i < length; i++) {
        wide[i] = values[i];
      }
      a.data().asNioDouble().put(wide, 0, length);
    }
    return new Nd4jTensor(a);
  }

  @Override
  public DeviceTensor fromColumnMajor(double[] values, int rows, int cols) {
    if (!cpu) {
      double[] exact = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
      return new Nd4jTensor(Nd4j.create(exact, new long[] {rows, cols}, 'f').castTo(type));
    }
    INDArray a = Nd4j.createUninitialized(type, new long[] {rows, cols}, 'f');
    int length = rows * cols;
    if (type == DataType.DOUBLE) {
      a.data().asNioDouble().put(values, 0, length);
    } else {
      float[] narrow = new float[length];
      for (int i = 0; i < length; i++) {
        narrow[i] = (float) values[i];
      }
      a.data().asNioFloat().put(narrow, 0, length);
    }
    return new Nd4jTensor(a);
  }

  @Override
  public DeviceTensor allocate(int rows, int cols) {
    return new Nd4jTensor(Nd4j.createUninitialized(type, new long[] {rows, cols}, 'f'));
  }

  @Override
  public void copyInto(DeviceTensor target, float[] values) {
    INDArray a = array(target);
    if (!cpu) {
      try (DeviceTensor t = fromColumnMajor(values, (int) a.rows(), (int) a.columns())) {
        a.assign(array(t));
      }
      return;
    }
    int length = (int) a.length();
    if (type == DataType.FLOAT) {
      a.data().asNioFloat().put(values, 0, length);
    } else {
      double[] wide = new double[length];
      for (int i = 0; i < length; i++) {
        wide[i] = values[i];
      }
      a.data().asNioDouble().put(wide, 0, length);
    }
  }

  @Override
  public void copyInto(DeviceTensor target, double[] values) {
    INDArray a = array(target);
    if (!cpu) {
      try (DeviceTensor t = fromColumnMajor(values, (int) a.rows(), (int) a.columns())) {
        a.assign(array(t));
      }
      return;
    }
    int length = (int) a.length();
    if (type == DataType.DOUBLE) {
      a.data().asNioDouble().put(values, 0, length);
    } else {
      float[] narrow = new float[length];
      for (int i = 0; i < length; i++) {
        narrow[i] = (float) values[i];
      }
      a.data().asNioFloat().put(narrow, 0, length);
    }
  }

  @Override
  public java.nio.ByteBuffer float32HostBytes(DeviceTensor t) {
    INDArray a = array(t);
    if (!cpu || type != DataType.FLOAT || !plain(a)
        || java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
      return null;
    }
    java.nio.ByteBuffer b = a.data().asNio();
    b.order(java.nio.ByteOrder.LITTLE_ENDIAN).position(0).limit((int) a.length() * 4);
    return b;
  }

  @Override
  public DeviceTensor gemm(DeviceTensor a, boolean transposeA, DeviceTensor b, boolean transposeB) {
    INDArray x = array(a);
    INDArray y = array(b);
    long m = transposeA ? x.columns() : x.rows();
    long n = transposeB ? y.rows() : y.columns();
    INDArray c = Nd4j.createUninitialized(type, new long[] {m, n}, 'f');
    Nd4j.gemm(x, y, c, transposeA, transposeB, 1.0, 0.0);
    return new Nd4jTensor(c);
  }

  /**
   * The two K-wide products run as GEMMs; the elementwise part runs as a host loop over the n_c×K entries
   * (libnd4j's chain of elementwise ops on column-major arrays costs several times more than one fused pass).
   * On the CPU in float32 it runs blocked ({@link #blocked}).
   */
  @Override
  public DeviceTensor multiplicativeUpdate(DeviceTensor g, double[] scale, DeviceTensor atf,
      DeviceTensor scaledFtfSplit, double eps) {
    INDArray gg = array(g);
    INDArray p0 = array(atf);
    INDArray split = array(scaledFtfSplit);
    if (blockable(gg, split) && plain(p0) && p0.rows() == gg.rows() && p0.columns() == gg.columns()) {
      return new Nd4jTensor(blocked(gg, scale, split, eps, p0, null, null, null, null));
    }
    return generalUpdate(gg, scale, p0, split, eps);
  }

  @Override
  public ChunkUpdate chunkUpdate(DeviceTensor a, DeviceTensor f, DeviceTensor g, double[] scale,
      DeviceTensor scaledFtfSplit, double eps) {
    INDArray aa = array(a);
    INDArray ff = array(f);
    INDArray gg = array(g);
    INDArray split = array(scaledFtfSplit);
    if (!blockable(gg, split) || !plain(aa) || !plain(ff) || aa.dataType() != type || ff.dataType() != type
        || aa.columns() != gg.rows() || ff.rows() != aa.rows() || ff.columns() != gg.columns()) {
      return TensorOps.super.chunkUpdate(a, f, g, scale, scaledFtfSplit, eps);
    }
    int k = (int) gg.columns();
    double[] ag = new double[(int) aa.rows() * k];
    double[] gram = new double[k * k];
    return new ChunkUpdate(new Nd4jTensor(blocked(gg, scale, split, eps, null, aa, ff, ag, gram)), ag, gram);
  }

  private boolean blockable(INDArray g, INDArray split) {
    return cpu && type == DataType.FLOAT && plain(g) && plain(split) && g.dataType() == type
        && split.dataType() == type && split.rows() == g.columns() && split.columns() == 2 * g.columns();
  }

  /**
   * The update of one chunk in row blocks that stay in cache. Per block of {@value #BLOCK_ROWS} rows: P_b = A_bᵀF
   * (unless P is given whole), one small GEMM G_b·diag(s)[P|N] into a reused scratch, one fused elementwise pass that
   * writes G'_b, and, when asked for, G'_bᵀG'_b and A_b·G'_b added to the sums in double while G'_b is still in
   * cache. Compared with whole-chunk operations this never writes or re-reads P, the n_c×2K product or G' in main
   * memory: at d = 512 those passes over memory cost as much as the d-sized GEMMs. The elementwise pass splits the
   * columns over the common pool.
   *
   * @param given P = AᵀF for the whole chunk, or null to compute it per block from {@code a} and {@code f}
   * @param ag A·G' is added here when not null (needs {@code a})
   * @param gram G'ᵀG' is added here when not null
   */
  private INDArray blocked(INDArray gg, double[] scale, INDArray split, double eps, INDArray given, INDArray a,
      INDArray f, double[] ag, double[] gram) {
    int rows = (int) gg.rows();
    int k = (int) gg.columns();
    int d = a == null ? 0 : (int) a.rows();
    INDArray result = Nd4j.createUninitialized(type, new long[] {rows, k}, 'f');
    FloatPointer gBase = new FloatPointer(gg.data().addressPointer());
    FloatPointer outBase = new FloatPointer(result.data().addressPointer());
    FloatPointer splitPtr = new FloatPointer(split.data().addressPointer());
    FloatPointer aBase = a == null ? null : new FloatPointer(a.data().addressPointer());
    FloatPointer fPtr = f == null ? null : new FloatPointer(f.data().addressPointer());
    java.nio.FloatBuffer gv = gg.data().asNioFloat();
    java.nio.FloatBuffer out = result.data().asNioFloat();
    Scratch scratch = scratch(k, d);
    java.nio.FloatBuffer p = given != null ? given.data().asNioFloat() : scratch.p.asBuffer();
    java.nio.FloatBuffer both = scratch.both.asBuffer();
    java.nio.FloatBuffer blockGram = scratch.gram.asBuffer();
    java.nio.FloatBuffer blockAg = scratch.ag == null ? null : scratch.ag.asBuffer();
    float e = (float) eps;
    float[] s = new float[k];
    for (int j = 0; j < k; j++) {
      s[j] = (float) scale[j];
    }
    for (int b0 = 0; b0 < rows; b0 += BLOCK_ROWS) {
      int m = Math.min(BLOCK_ROWS, rows - b0);
      if (given == null) {
        // P_b = A_bᵀF (m×K, leading dimension m); A_b is the block's m columns of A
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasTrans,
            openblas_nolapack.CblasNoTrans, m, k, d, 1f, aBase.position((long) b0 * d), d, fPtr, d, 0f,
            scratch.p, m);
      }
      // [G_b·P | G_b·N] (m×2K, column-major, leading dimension m)
      openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasNoTrans, m, 2 * k, k, 1f, gBase.position(b0), rows, splitPtr, k, 0f,
          scratch.both, m);
      int from = b0;
      int pLead = given != null ? rows : m;
      int pOffset = given != null ? b0 : 0;
      inColumnHalves(k, (c0, c1) -> {
        // column segments copied into small heap arrays (in cache), so the JIT can vectorize the arithmetic
        float[] px = new float[m];
        float[] gp = new float[m];
        float[] gn = new float[m];
        float[] gx = new float[m];
        for (int j = c0; j < c1; j++) {
          float sj = s[j];
          int col = j * rows + from;
          p.get(j * pLead + pOffset, px, 0, m);
          gv.get(col, gx, 0, m);
          both.get(j * m, gp, 0, m);
          both.get((k + j) * m, gn, 0, m);
          for (int i = 0; i < m; i++) {
            float x = px[i];
            float num = Math.max(x, 0f) + gn[i];
            float den = Math.max(-x, 0f) + gp[i] + e;
            gx[i] = gx[i] * sj * (float) Math.sqrt(num / den);
          }
          out.put(col, gx, 0, m);
        }
      });
      if (gram != null) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasTrans,
            openblas_nolapack.CblasNoTrans, k, k, m, 1f, outBase.position(b0), rows, outBase, rows, 0f,
            scratch.gram, k);
        for (int i = 0; i < k * k; i++) {
          gram[i] += blockGram.get(i);
        }
      }
      if (ag != null) {
        // A_b·G'_b (d×K) while G'_b is in cache; summed in double across blocks
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasNoTrans,
            openblas_nolapack.CblasNoTrans, d, k, m, 1f, aBase.position((long) b0 * d), d, outBase.position(b0),
            rows, 0f, scratch.ag, d);
        for (int i = 0; i < d * k; i++) {
          ag[i] += blockAg.get(i);
        }
      }
    }
    return result;
  }

  /**
   * Rows per block of {@link #blocked}: the m×2K product (1.6 MB at K = 50) stays in cache. Measured on a
   * 65,536 × 50 chunk: 4,096 rows 12.8–13.4 ms, 1,024 rows 15.1 ms, 8,192 rows 13.2 ms (UpdateProbe).
   */
  static final int BLOCK_ROWS = 4096;

  /**
   * Reused native scratch of the blocked update (one per backend instance, which one run uses at a time): P_b,
   * [G_b·P | G_b·N], the block's Gram matrix and, for a whole chunk step, its A_b·G'_b.
   */
  private record Scratch(int k, int d, FloatPointer p, FloatPointer both, FloatPointer gram, FloatPointer ag) {}

  private Scratch scratch;

  private Scratch scratch(int k, int d) {
    if (scratch == null || scratch.k() != k || scratch.d() != d) {
      releaseScratch();
      scratch = new Scratch(k, d, new FloatPointer((long) BLOCK_ROWS * k), new FloatPointer((long) BLOCK_ROWS * 2 * k),
          new FloatPointer((long) k * k), d == 0 ? null : new FloatPointer((long) d * k));
    }
    return scratch;
  }

  private void releaseScratch() {
    if (scratch != null) {
      scratch.p().close();
      scratch.both().close();
      scratch.gram().close();
      if (scratch.ag() != null) {
        scratch.ag().close();
      }
      scratch = null;
    }
  }

  @Override
  public void close() {
    releaseScratch();
  }

  /** Runs body over the column range [0, k), in two halves on the common pool when there are two cores or more. */
  private static void inColumnHalves(int k, java.util.function.BiConsumer<Integer, Integer> body) {
    if (k < 2 || java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      body.accept(0, k);
      return;
    }
    int half = k / 2;
    java.util.concurrent.ForkJoinTask<?> first =
        java.util.concurrent.ForkJoinPool.commonPool().submit(() -> body.accept(0, half));
    body.accept(half, k);
    first.join();
  }

  /** Any layout, precision or device: copies to the host, one fused loop, upload. */
  private DeviceTensor generalUpdate(INDArray gg, double[] scale, INDArray p0, INDArray split, double eps) {
    int rows = (int) gg.rows();
    int cols = (int) gg.columns();
    int negOffset = rows * cols; // G·[P | N]: the N half starts after K columns
    try (INDArray both = fGemm(gg, split)) {
      if (type == DataType.FLOAT) {
        float[] p = flatFloat(p0);
        float[] gpn = flatFloat(both);
        float[] gv = flatFloat(gg);
        float[] out = new float[gv.length];
        inParallelBlocks(out.length, (from, to) -> {
          for (int i = from; i < to; i++) {
            double x = p[i];
            double num = (Math.abs(x) + x) / 2 + gpn[negOffset + i];
            double den = (Math.abs(x) - x) / 2 + gpn[i] + eps;
            out[i] = (float) (gv[i] * scale[i / rows] * Math.sqrt(num / den));
          }
        });
        return fromColumnMajor(out, rows, cols);
      }
      double[] p = flatDouble(p0);
      double[] gpn = flatDouble(both);
      double[] gv = flatDouble(gg);
      double[] out = new double[gv.length];
      inParallelBlocks(out.length, (from, to) -> {
        for (int i = from; i < to; i++) {
          double x = p[i];
          double num = (Math.abs(x) + x) / 2 + gpn[negOffset + i];
          double den = (Math.abs(x) - x) / 2 + gpn[i] + eps;
          out[i] = gv[i] * scale[i / rows] * Math.sqrt(num / den);
        }
      });
      return fromColumnMajor(out, rows, cols);
    }
  }

  /** Runs body over [0, length) split into blocks on the common pool (elementwise, so deterministic). */
  private static void inParallelBlocks(int length, java.util.function.BiConsumer<Integer, Integer> body) {
    int block = 1 << 16;
    int blocks = (length + block - 1) / block;
    if (blocks <= 1) {
      body.accept(0, length);
      return;
    }
    java.util.stream.IntStream.range(0, blocks).parallel()
        .forEach(b -> body.accept(b * block, Math.min(length, (b + 1) * block)));
  }

  /** A dense column-major array that owns its whole buffer from offset 0. */
  private static boolean plain(INDArray a) {
    return a.ordering() == 'f' && !a.isView() && a.offset() == 0 && a.data().length() == a.length();
  }

  private float[] flatFloat(INDArray a) {
    if (cpu && a.ordering() == 'f' && !a.isView() && a.data().length() == a.length() && a.dataType() == DataType.FLOAT) {
      float[] out = new float[(int) a.length()];
      a.data().asNioFloat().get(out);
      return out;
    }
    try (INDArray flat = Nd4j.toFlattened('f', a)) {
      return flat.toFloatVector();
    }
  }

  private double[] flatDouble(INDArray a) {
    if (cpu && a.ordering() == 'f' && !a.isView() && a.data().length() == a.length()) {
      if (a.dataType() == DataType.DOUBLE) {
        double[] out = new double[(int) a.length()];
        a.data().asNioDouble().get(out);
        return out;
      }
      return a.data().asDouble();
    }
    try (INDArray flat = Nd4j.toFlattened('f', a)) {
      return flat.toDoubleVector();
    }
  }

  /** C = X·Y into a fresh column-major array (keeps every operand 'f', the fast path of libnd4j). */
  private INDArray fGemm(INDArray x, INDArray y) {
    INDArray c = Nd4j.createUninitialized(type, new long[] {x.rows(), y.columns()}, 'f');
    Nd4j.gemm(x, y, c, false, false, 1.0, 0.0);
    return c;
  }

  @Override
  public double[] toColumnMajorDouble(DeviceTensor t) {
    return flatDouble(array(t));
  }

  @Override
  public float[] toColumnMajorFloat(DeviceTensor t) {
    return flatFloat(array(t));
  }

  @Override
  public SymmetricEigen symmetricEigen(double[] a, int n) {
    INDArray m = Nd4j.create(a.clone(), new long[] {n, n}, 'f');
    // LAPACK syev: the eigenvectors overwrite the input (as columns), values come back ascending
    INDArray values = Eigen.symmetricGeneralizedEigenvalues(m, true);
    double[] vals = values.toDoubleVector();
    double[] vecs;
    try (INDArray flat = Nd4j.toFlattened('f', m)) {
      vecs = flat.toDoubleVector();
    }
    m.close();
    values.close();
    return new SymmetricEigen(vals, vecs);
  }

  private static final class Nd4jTensor implements DeviceTensor {
    private final INDArray array;

    Nd4jTensor(INDArray array) {
      this.array = array;
    }

    @Override
    public int rows() {
      return (int) array.rows();
    }

    @Override
    public int cols() {
      return (int) array.columns();
    }

    @Override
    public void close() {
      if (array.closeable()) {
        array.close();
      }
    }
  }
}
