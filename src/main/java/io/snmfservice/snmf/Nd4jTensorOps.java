package io.snmfservice.snmf;

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
  static INDArray array(Tensor t) {
    return ((Nd4jTensor) t).array;
  }

  @Override
  public Tensor fromColumnMajor(float[] values, int rows, int cols) {
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
  public Tensor fromColumnMajor(double[] values, int rows, int cols) {
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
  public void copyInto(Tensor target, float[] values) {
    INDArray a = array(target);
    if (!cpu) {
      try (Tensor t = fromColumnMajor(values, (int) a.rows(), (int) a.columns())) {
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
  public void copyInto(Tensor target, double[] values) {
    INDArray a = array(target);
    if (!cpu) {
      try (Tensor t = fromColumnMajor(values, (int) a.rows(), (int) a.columns())) {
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
  public java.nio.ByteBuffer float32HostBytes(Tensor t) {
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
  public Tensor gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    INDArray x = array(a);
    INDArray y = array(b);
    long m = transposeA ? x.columns() : x.rows();
    long n = transposeB ? y.rows() : y.columns();
    INDArray c = Nd4j.createUninitialized(type, new long[] {m, n}, 'f');
    Nd4j.gemm(x, y, c, transposeA, transposeB, 1.0, 0.0);
    return new Nd4jTensor(c);
  }

  /**
   * The two K-wide products run as GEMMs; the elementwise part runs as one host loop over the
   * n_c×K entries (libnd4j's chain of elementwise ops on column-major arrays costs several times
   * more than this single fused pass, and n_c×K is d times smaller than the chunk).
   */
  @Override
  public Tensor multiplicativeUpdate(Tensor g, double[] scale, Tensor atf, Tensor scaledFtfSplit, double eps) {
    INDArray gg = array(g);
    int rows = (int) gg.rows();
    int cols = (int) gg.columns();
    int negOffset = rows * cols; // G·[P | N]: the N half starts after K columns
    try (INDArray both = fGemm(gg, array(scaledFtfSplit))) {
      INDArray p0 = array(atf);
      if (cpu && type == DataType.FLOAT && plain(p0) && plain(both) && plain(gg)) {
        // read and write the native buffers in place: no copies of the n×K operands
        java.nio.FloatBuffer p = p0.data().asNioFloat();
        java.nio.FloatBuffer gpn = both.data().asNioFloat();
        java.nio.FloatBuffer gv = gg.data().asNioFloat();
        INDArray result = Nd4j.createUninitialized(type, new long[] {rows, cols}, 'f');
        java.nio.FloatBuffer out = result.data().asNioFloat();
        inParallelBlocks(rows * cols, (from, to) -> {
          for (int i = from; i < to; i++) {
            double x = p.get(i);
            double num = (Math.abs(x) + x) / 2 + gpn.get(negOffset + i);
            double den = (Math.abs(x) - x) / 2 + gpn.get(i) + eps;
            out.put(i, (float) (gv.get(i) * scale[i / rows] * Math.sqrt(num / den)));
          }
        });
        return new Nd4jTensor(result);
      }
      if (type == DataType.FLOAT) {
        float[] p = flatFloat(array(atf));
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
      double[] p = flatDouble(array(atf));
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
  public double[] toColumnMajorDouble(Tensor t) {
    return flatDouble(array(t));
  }

  @Override
  public float[] toColumnMajorFloat(Tensor t) {
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

  private static final class Nd4jTensor implements Tensor {
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
