package io.snmfservice.snmf;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link TensorOps} on ND4J: the CPU backend (OpenBLAS GEMM) by default, the CUDA backend when
 * the {@code cuda} Maven profile puts nd4j-cuda on the classpath instead. All arrays are 'f'
 * (column-major) so uploads and downloads are plain copies.
 */
public final class Nd4jTensorOps implements TensorOps {

  private final SnmfPrecision precision;
  private final DataType type;

  public Nd4jTensorOps(SnmfPrecision precision) {
    this.precision = precision;
    this.type = precision == SnmfPrecision.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
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
    INDArray a;
    if (type == DataType.FLOAT) {
      a = Nd4j.create(values, new long[] {rows, cols}, 'f');
    } else {
      double[] wide = new double[rows * cols];
      for (int i = 0; i < wide.length; i++) {
        wide[i] = values[i];
      }
      a = Nd4j.create(wide, new long[] {rows, cols}, 'f');
    }
    return new Nd4jTensor(a);
  }

  @Override
  public Tensor fromColumnMajor(double[] values, int rows, int cols) {
    INDArray a;
    if (type == DataType.DOUBLE) {
      a = Nd4j.create(values, new long[] {rows, cols}, 'f');
    } else {
      float[] narrow = new float[rows * cols];
      for (int i = 0; i < narrow.length; i++) {
        narrow[i] = (float) values[i];
      }
      a = Nd4j.create(narrow, new long[] {rows, cols}, 'f');
    }
    return new Nd4jTensor(a);
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

  @Override
  public Tensor multiplicativeUpdate(Tensor g, Tensor atf, Tensor ftfPos, Tensor ftfNeg, double eps) {
    INDArray gg = array(g);
    INDArray p = array(atf);
    INDArray num = Transforms.relu(p, true);
    INDArray den = Transforms.relu(p.neg(), false);
    INDArray gNeg = gg.mmul(array(ftfNeg));
    INDArray gPos = gg.mmul(array(ftfPos));
    num.addi(gNeg);
    den.addi(gPos).addi(eps);
    INDArray ratio = Transforms.sqrt(num.divi(den), false);
    INDArray out = ratio.muli(gg);
    den.close();
    gNeg.close();
    gPos.close();
    return new Nd4jTensor(out.ordering() == 'f' ? out : out.dup('f'));
  }

  @Override
  public Tensor scaleColumns(Tensor t, double[] scale) {
    INDArray a = array(t);
    INDArray s = Nd4j.create(scale, new long[] {1, scale.length}).castTo(type);
    INDArray out = a.mulRowVector(s);
    s.close();
    return new Nd4jTensor(out.ordering() == 'f' ? out : out.dup('f'));
  }

  @Override
  public double[] toColumnMajorDouble(Tensor t) {
    try (INDArray flat = Nd4j.toFlattened('f', array(t))) {
      return flat.toDoubleVector();
    }
  }

  @Override
  public float[] toColumnMajorFloat(Tensor t) {
    try (INDArray flat = Nd4j.toFlattened('f', array(t))) {
      return flat.toFloatVector();
    }
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
