package io.snmfservice.snmf;

import io.snmfservice.activations.store.ActivationFileReader;

/** The matrix A (d×n, one column per token) read column block by column block. */
public interface ActivationSource {

  int d();

  long n();

  /** Copies columns [start, start+count) into dst, column-major (column j at dst[j*d]). */
  void readColumns(long start, int count, float[] dst);

  /**
   * Copies columns [start, start+count) into dst, column-major, in double. Sources that hold
   * doubles override this so that a float64 factorization sees them unrounded.
   */
  default void readColumns(long start, int count, double[] dst) {
    float[] f = new float[count * d()];
    readColumns(start, count, f);
    for (int i = 0; i < f.length; i++) {
      dst[i] = f[i];
    }
  }

  /**
   * Reads columns [start, start+count) as little-endian float32 bytes straight into dst (from its
   * position) when the source can do so without converting; returns false otherwise.
   */
  default boolean readFloat32Bytes(long start, int count, java.nio.ByteBuffer dst) {
    return false;
  }

  /**
   * A buffer for {@link #readHalves} of up to {@code count} columns, or null where the source does not hold float16
   * values.
   */
  default java.nio.ByteBuffer halvesBuffer(int count) {
    return null;
  }

  /**
   * Columns [start, start+count) as stored float16 values (little-endian, unconverted), read into a buffer from
   * {@link #halvesBuffer}; a view of exactly them, or null where the source cannot give these columns so.
   */
  default java.nio.ByteBuffer readHalves(long start, int count, java.nio.ByteBuffer buffer) {
    return null;
  }

  /** True when every read is a cheap memory copy (the engine may then cache uploaded chunks). */
  default boolean inMemory() {
    return false;
  }

  /** A column-major d×n matrix held in memory (not copied). */
  static ActivationSource ofColumnMajor(float[] values, int d, int n) {
    if ((long) d * n != values.length) {
      throw new SnmfValidationException("matrix has " + values.length + " values, expected d*n = " + (long) d * n);
    }
    return new ActivationSource() {
      @Override
      public int d() {
        return d;
      }

      @Override
      public long n() {
        return n;
      }

      @Override
      public void readColumns(long start, int count, float[] dst) {
        System.arraycopy(values, Math.toIntExact(start * d), dst, 0, count * d);
      }

      @Override
      public boolean inMemory() {
        return true;
      }
    };
  }

  /** A column-major d×n matrix of doubles held in memory (not copied). */
  static ActivationSource ofColumnMajor(double[] values, int d, int n) {
    if ((long) d * n != values.length) {
      throw new SnmfValidationException("matrix has " + values.length + " values, expected d*n = " + (long) d * n);
    }
    return new ActivationSource() {
      @Override
      public int d() {
        return d;
      }

      @Override
      public long n() {
        return n;
      }

      @Override
      public void readColumns(long start, int count, float[] dst) {
        int o = Math.toIntExact(start * d);
        for (int i = 0; i < count * d; i++) {
          dst[i] = (float) values[o + i];
        }
      }

      @Override
      public void readColumns(long start, int count, double[] dst) {
        System.arraycopy(values, Math.toIntExact(start * d), dst, 0, count * d);
      }

      @Override
      public boolean inMemory() {
        return true;
      }
    };
  }

  /** A matrix of doubles given as rows: a[i][j] is dimension i of token j. */
  static ActivationSource ofRows(double[][] a) {
    int d = a.length;
    int n = d == 0 ? 0 : a[0].length;
    double[] values = new double[d * n];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < n; j++) {
        values[j * d + i] = a[i][j];
      }
    }
    return ofColumnMajor(values, d, n);
  }

  /** A matrix given as rows: a[i][j] is dimension i of token j. */
  static ActivationSource ofRows(float[][] a) {
    int d = a.length;
    int n = d == 0 ? 0 : a[0].length;
    float[] values = new float[d * n];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < n; j++) {
        values[j * d + i] = a[i][j];
      }
    }
    return ofColumnMajor(values, d, n);
  }

  /** An activation file; the reader stays owned by the caller. */
  static ActivationSource of(ActivationFileReader reader) {
    return new ActivationSource() {
      @Override
      public int d() {
        return reader.d();
      }

      @Override
      public long n() {
        return reader.n();
      }

      @Override
      public void readColumns(long start, int count, float[] dst) {
        reader.readColumns(start, count, dst);
      }

      @Override
      public boolean readFloat32Bytes(long start, int count, java.nio.ByteBuffer dst) {
        return reader.readFloat32Bytes(start, count, dst);
      }

      @Override
      public java.nio.ByteBuffer halvesBuffer(int count) {
        return reader.halvesBuffer(count);
      }

      @Override
      public java.nio.ByteBuffer readHalves(long start, int count, java.nio.ByteBuffer buffer) {
        return reader.readHalves(start, count, buffer);
      }
    };
  }
}
