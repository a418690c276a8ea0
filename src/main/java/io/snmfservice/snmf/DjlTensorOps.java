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
  private static NDArray stored(Tensor t) {
    return ((DjlTensor) t).transposed;
  }

  @Override
  public Tensor fromColumnMajor(float[] values, int rows, int cols) {
    float[] exact = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
    return new DjlTensor(manager.create(exact, new Shape(cols, rows)).toType(type, false), rows, cols);
  }

  @Override
  public Tensor fromColumnMajor(double[] values, int rows, int cols) {
    double[] exact = values.length == rows * cols ? values : java.util.Arrays.copyOf(values, rows * cols);
    return new DjlTensor(manager.create(exact, new Shape(cols, rows)).toType(type, false), rows, cols);
  }

  @Override
  public void copyInto(Tensor target, float[] values) {
    try (NDArray fresh = manager.create(java.util.Arrays.copyOf(values, target.rows() * target.cols()),
        new Shape(target.cols(), target.rows())).toType(type, false)) {
      stored(target).set(fresh.toByteBuffer());
    }
  }

  @Override
  public void copyInto(Tensor target, double[] values) {
    try (NDArray fresh = manager.create(java.util.Arrays.copyOf(values, target.rows() * target.cols()),
        new Shape(target.cols(), target.rows())).toType(type, false)) {
      stored(target).set(fresh.toByteBuffer());
    }
  }

  /** Stored C = Cᵀ = op(B)ᵀ·op(A)ᵀ, with op(X)ᵀ = stored(X) or its transpose. */
  @Override
  public Tensor gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    NDArray sa = stored(a);
    NDArray sb = stored(b);
    NDArray left = transposeB ? sb.transpose() : sb;
    NDArray right = transposeA ? sa.transpose() : sa;
    int rows = transposeA ? a.cols() : a.rows();
    int cols = transposeB ? b.rows() : b.cols();
    return new DjlTensor(left.matMul(right), rows, cols);
  }

  @Override
  public Tensor multiplicativeUpdate(Tensor g, double[] scale, Tensor atf, Tensor scaledFtfSplit, double eps) {
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
  public double[] toColumnMajorDouble(Tensor t) {
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
  public float[] toColumnMajorFloat(Tensor t) {
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

  private static final class DjlTensor implements Tensor {
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
