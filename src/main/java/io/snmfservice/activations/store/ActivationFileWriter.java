package io.snmfservice.activations.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams columns into an activation file (layout: {@link ActivationFileHeader}, then the columns
 * back to back, each column its d values contiguous, little-endian). The header carries n = -1
 * until {@link #close()} writes the final column count, so a crashed writer leaves a file that
 * readers reject. Not thread-safe.
 */
public final class ActivationFileWriter implements AutoCloseable {

  private final FileChannel channel;
  private final int d;
  private final DType dtype;
  private final int chunkColumns;
  private final ByteBuffer buffer;
  private long n;
  private boolean closed;

  private ActivationFileWriter(FileChannel channel, int d, DType dtype, int chunkColumns) {
    this.channel = channel;
    this.d = d;
    this.dtype = dtype;
    this.chunkColumns = chunkColumns;
    this.buffer = ByteBuffer.allocateDirect(d * dtype.bytes() * Math.max(1, Math.min(chunkColumns, 256)))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Creates (or truncates) the file and writes a provisional header. */
  public static ActivationFileWriter create(Path path, int d, DType dtype, int chunkColumns) {
    if (d <= 0 || chunkColumns <= 0) {
      throw new IllegalArgumentException("d and chunkColumns must be positive");
    }
    try {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      ActivationFileWriter w = new ActivationFileWriter(ch, d, dtype, chunkColumns);
      w.writeFully(new ActivationFileHeader(d, -1, dtype, chunkColumns).encode(), 0);
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reopens a file an interrupted writer left behind, keeping its first {@code n} columns (made durable by
   * {@link #sync()}) and dropping anything written after them; appending continues at column n.
   */
  public static ActivationFileWriter resume(Path path, int d, DType dtype, int chunkColumns, long n) {
    try {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE);
      long keep = ActivationFileHeader.SIZE + n * d * dtype.bytes();
      if (ch.size() < keep) {
        ch.close();
        throw new ActivationFormatException(path + " holds fewer than the " + n + " columns to resume from");
      }
      ch.truncate(keep);
      ActivationFileWriter w = new ActivationFileWriter(ch, d, dtype, chunkColumns);
      w.n = n;
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forces the columns written so far to disk (the header still says n = -1 until {@link #close()}). */
  public void sync() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int d() {
    return d;
  }

  /** Columns written so far. */
  public long n() {
    return n;
  }

  /** Appends one column of d values. */
  public void appendColumn(float[] column) {
    if (column.length != d) {
      throw new IllegalArgumentException("column has " + column.length + " values, expected " + d);
    }
    appendColumns(column, 1);
  }

  /** Appends {@code count} columns given column-major: column j is block[j*d .. j*d+d). */
  public void appendColumns(float[] columnMajorBlock, int count) {
    appendColumns(columnMajorBlock, 0, count);
  }

  /** Appends {@code count} columns that start at {@code offset} of a column-major block. */
  public void appendColumns(float[] columnMajorBlock, int offset, int count) {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
    if (offset < 0 || offset + (long) count * d > columnMajorBlock.length) {
      throw new IllegalArgumentException("block holds fewer than " + count + " columns after " + offset);
    }
    int total = count * d;
    int perBuffer = buffer.capacity() / dtype.bytes();
    for (int i = 0; i < total; ) {
      int values = Math.min(perBuffer, total - i);
      buffer.clear();
      if (dtype == DType.FLOAT32) {
        buffer.asFloatBuffer().put(columnMajorBlock, offset + i, values); // one copy: the buffer is little-endian
        buffer.position(values * Float.BYTES);
      } else {
        for (int k = 0; k < values; k++) {
          buffer.putShort(Float16.fromFloat(columnMajorBlock[offset + i + k]));
        }
      }
      buffer.flip();
      writeFully(buffer, ActivationFileHeader.SIZE + bytesBefore(n) + bytesOfValues(i));
      i += values;
    }
    n += count;
  }

  private long bytesBefore(long columns) {
    return columns * d * dtype.bytes();
  }

  private long bytesOfValues(long values) {
    return values * dtype.bytes();
  }

  private void writeFully(ByteBuffer b, long position) {
    try {
      long p = position;
      while (b.hasRemaining()) {
        p += channel.write(b, p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the final column count into the header and closes the file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try (channel) {
      writeFully(new ActivationFileHeader(d, n, dtype, chunkColumns).encode(), 0);
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
