package io.snmfservice.snmf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * {@link TensorOps} on DJL's PyTorch engine (libtorch), the route to GPUs that ND4J's CUDA 11.6
 * build cannot drive: pass a GPU device and every large operation, the G update included, runs
 * there. A rows×cols column-major matrix is held as the row-major cols×rows NDArray of the same
 * bytes (its transpose), so uploads and downloads stay plain copies. The one symmetric
 * eigen-decomposition (SVD initialisation, d×d) is delegated to ND4J on the host.
 */
public final class DjlTensorOps implements TensorOps {

  private final SnmfPrecision precision;
  private final DataType type;
  private final NDManager manager;
  /** Host side of chunk uploads, reused (see {@link #copyInto(DeviceTensor, float[])}). */
  private java.nio.ByteBuffer hostStaging;

  public DjlTensorOps(SnmfPrecision precision, Device device) {
    this.precision = precision;
    this.type = precision == SnmfPrecision.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    this.manager = NDManager.newBaseManager(device, "PyTorch");
  }

  @Override
  public SnmfPrecision precision() {
    return precision;
  }

  /** The stored NDArray: the transpose (cols×rows, row-major) of the logical matrix. */
  private static NDArray stored(DeviceTensor t) {
    return ((DjlTensor) t).transposed;
  }

  @Override
  public DeviceTensor fromColumnMajor(float[] values, int rows, int cols) {
    float[] exact = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
    return new DjlTensor(manager.create(exact, new Shape(cols, rows)).toType(type, false), rows, cols);
  }

  @Override
  public DeviceTensor fromColumnMajor(double[] values, int rows, int cols) {
    double[] exact = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
    return new DjlTensor(manager.create(exact, new Shape(cols, rows)).toType(type, false), rows, cols);
  }

  /**
   * Streams a chunk into an existing device tensor through one reused host buffer: neither the device tensor nor
   * the native host staging memory is allocated again per chunk. On the CPU libtorch may keep using the host
   * buffer as the tensor's storage, which is safe only because the engine streams into one staging tensor.
   */
  @Override
  public void copyInto(DeviceTensor target, float[] values) {
    int length = target.rows() * target.cols();
    java.nio.ByteBuffer bytes = staging(length);
    if (type == DataType.FLOAT32) {
      bytes.asFloatBuffer().put(values, 0, length);
    } else {
      java.nio.DoubleBuffer out = bytes.asDoubleBuffer();
      for (int i = 0; i < length; i++) {
        out.put(i, values[i]);
      }
    }
    stored(target).set(bytes);
  }

  @Override
  public void copyInto(DeviceTensor target, double[] values) {
    int length = target.rows() * target.cols();
    java.nio.ByteBuffer bytes = staging(length);
    if (type == DataType.FLOAT64) {
      bytes.asDoubleBuffer().put(values, 0, length);
    } else {
      java.nio.FloatBuffer out = bytes.asFloatBuffer();
      for (int i = 0; i < length; i++) {
        out.put(i, (float) values[i]);
      }
    }
    stored(target).set(bytes);
  }

  /** The reusable direct host buffer for {@code length} elements of this backend's type, positioned at 0. */
  private java.nio.ByteBuffer staging(int length) {
    int bytes = length * type.getNumOfBytes();
    if (hostStaging == null || hostStaging.capacity() < bytes) {
      hostStaging = java.nio.ByteBuffer.allocateDirect(bytes).order(java.nio.ByteOrder.nativeOrder());
    }
    hostStaging.clear().limit(bytes);
    return hostStaging;
  }

  /** Stored C = Cᵀ = op(B)ᵀ·op(A)ᵀ, with op(X)ᵀ = stored(X) or its transpose. */
  @Override
  public DeviceTensor gemm(DeviceTensor a, boolean transposeA, DeviceTensor b, boolean transposeB) {
    NDArray sa = stored(a);
    NDArray sb = stored(b);
    NDArray left = transposeB ? sb.transpose() : sb;
    NDArray right = transposeA ? sa.transpose() : sa;
    int rows = transposeA ? a.cols() : a.rows();
    int cols = transposeB ? b.rows() : b.cols();
    return new DjlTensor(left.matMul(right), rows, cols);
  }

  @Override
  public DeviceTensor multiplicativeUpdate(DeviceTensor g, double[] scale, DeviceTensor atf,
      DeviceTensor scaledFtfSplit, double eps) {
    int k = g.cols();
    try (NDManager scope = manager.newSubManager()) {
      NDArray sg = stored(g); // K×n
      NDArray both = stored(scaledFtfSplit).matMul(sg); // (G·[P|N])ᵀ = [P|N]ᵀ·Gᵀ, 2K×n
      both.attach(scope);
      NDArray gPos = both.get(new ai.djl.ndarray.index.NDIndex("0:" + k));
      NDArray gNeg = both.get(new ai.djl.ndarray.index.NDIndex(k + ":"));
      NDArray p = stored(atf);
      NDArray abs = p.abs();
      NDArray num = abs.add(p).div(2).add(gNeg);
      NDArray den = abs.sub(p).div(2).add(gPos).add(eps);
      NDArray s = scope.create(scale, new Shape(k, 1)).toType(type, false);
      NDArray out = sg.mul(s).mul(num.div(den).sqrt());
      out.attach(manager);
      return new DjlTensor(out, g.rows(), k);
    }
  }

  @Override
  public double[] toColumnMajorDouble(DeviceTensor t) {
    NDArray s = stored(t);
    if (s.getDataType() == DataType.FLOAT64) {
      return s.toDoubleArray();
    }
    float[] f = s.toFloatArray();
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  @Override
  public float[] toColumnMajorFloat(DeviceTensor t) {
    NDArray s = stored(t);
    if (s.getDataType() == DataType.FLOAT32) {
      return s.toFloatArray();
    }
    double[] v = s.toDoubleArray();
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  @Override
  public SymmetricEigen symmetricEigen(double[] a, int n) {
    return new Nd4jTensorOps(SnmfPrecision.FLOAT64).symmetricEigen(a, n);
  }

  @Override
  public void close() {
    manager.close();
  }

  private static final class DjlTensor implements DeviceTensor {
    private final NDArray transposed;
    private final int rows;
    private final int cols;

    DjlTensor(NDArray transposed, int rows, int cols) {
      this.transposed = transposed;
      this.rows = rows;
      this.cols = cols;
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int cols() {
      return cols;
    }

    @Override
    public void close() {
      transposed.close();
    }
  }
}
