package io.snmfservice.features;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes NumPy {@code .npy} files (format 1.0, C order, little-endian float32 or int32) row by row, so large
 * matrices never need to be in memory at once. {@code numpy.load} reads them as they are.
 */
public final class NpyWriter implements AutoCloseable {

  private final DataOutputStream out;
  private final ByteBuffer buffer;
  private final long expected;
  private long written;

  private NpyWriter(Path path, String descr, long[] shape, int elementBytes) {
    long count = 1;
    for (long s : shape) {
      count *= s;
    }
    this.expected = count;
    this.buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    try {
      OutputStream file = Files.newOutputStream(path);
      this.out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16));
      out.write(header(descr, shape));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static NpyWriter float32(Path path, long... shape) {
    return new NpyWriter(path, "<f4", shape, 4);
  }

  public static NpyWriter int32(Path path, long... shape) {
    return new NpyWriter(path, "<i4", shape, 4);
  }

  /** The bytes of an .npy header: magic, version 1.0, header length, dict padded to a multiple of 64. */
  static byte[] header(String descr, long[] shape) {
    StringBuilder dims = new StringBuilder();
    for (long s : shape) {
      dims.append(s).append(", ");
    }
    String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
    int unpadded = 10 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String text = dict + " ".repeat(padding) + "\n";
    ByteBuffer header = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    header.putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
    return header.array();
  }

  public void writeFloat(float value) {
    ensure(4);
    buffer.putFloat(value);
    written++;
  }

  public void writeInt(int value) {
    ensure(4);
    buffer.putInt(value);
    written++;
  }

  private void ensure(int bytes) {
    if (buffer.remaining() < bytes) {
      flush();
    }
  }

  private void flush() {
    try {
      out.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    flush();
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (written != expected) {
      throw new IllegalStateException("npy file got " + written + " values, its shape needs " + expected);
    }
  }
}
