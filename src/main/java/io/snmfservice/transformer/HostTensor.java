package io.snmfservice.transformer;

import java.util.Arrays;

/** A float32 array on the Java heap with a row-major shape: how loaders hand weights to {@link HookedTransformer}. */
public record HostTensor(float[] data, long... shape) {

  public HostTensor {
    long size = 1;
    for (long s : shape) {
      size *= s;
    }
    if (size != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    }
  }

  /** Size of dimension {@code i}. */
  public int dim(int i) {
    return (int) shape[i];
  }

  /** The transpose of a matrix: {@code out[j][i] = in[i][j]}. */
  public HostTensor transpose() {
    if (shape.length != 2) {
      throw new IllegalStateException("transpose needs a matrix, shape " + Arrays.toString(shape));
    }
    int rows = dim(0);
    int cols = dim(1);
    float[] out = new float[data.length];
    int block = 64;
    for (int i0 = 0; i0 < rows; i0 += block) {
      for (int j0 = 0; j0 < cols; j0 += block) {
        int iEnd = Math.min(rows, i0 + block);
        int jEnd = Math.min(cols, j0 + block);
        for (int i = i0; i < iEnd; i++) {
          for (int j = j0; j < jEnd; j++) {
            out[j * rows + i] = data[i * cols + j];
          }
        }
      }
    }
    return new HostTensor(out, cols, rows);
  }

  /** Matrices side by side: {@code [r, c1] | [r, c2] | … → [r, Σc]}. */
  public static HostTensor concatColumns(HostTensor... parts) {
    int rows = parts[0].dim(0);
    int cols = 0;
    for (HostTensor p : parts) {
      if (p.shape.length != 2 || p.dim(0) != rows) {
        throw new IllegalArgumentException("column concatenation needs matrices with " + rows + " rows");
      }
      cols += p.dim(1);
    }
    float[] out = new float[rows * cols];
    int offset = 0;
    for (HostTensor p : parts) {
      int c = p.dim(1);
      for (int i = 0; i < rows; i++) {
        System.arraycopy(p.data, i * c, out, i * cols + offset, c);
      }
      offset += c;
    }
    return new HostTensor(out, rows, cols);
  }

  /** Adds a constant to every element (Gemma-2 stores RMSNorm weights as w with the norm using 1 + w). */
  public HostTensor plus(float constant) {
    float[] out = data.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += constant;
    }
    return new HostTensor(out, shape);
  }
}
