package io.snmfservice.activations.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads an activation file written by {@link ActivationFileWriter}: header fields, random column
 * access and sequential chunk iteration. float16 files are widened to float on read. Positional
 * reads only, so one reader may serve several threads as long as each uses its own destination.
 */
public final class ActivationFileReader implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;
  private final ActivationFileHeader header;

  private ActivationFileReader(Path path, FileChannel channel, ActivationFileHeader header) {
    this.path = path;
    this.channel = channel;
    this.header = header;
  }

  /** Opens and validates the header (magic, version, completeness, file length). */
  public static ActivationFileReader open(Path path) {
    try {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
      try {
        ByteBuffer b = ByteBuffer.allocate(ActivationFileHeader.SIZE);
        if (ch.size() < ActivationFileHeader.SIZE) {
          throw new ActivationFormatException("file too short for an activation header: " + path);
        }
        while (b.hasRemaining()) {
          if (ch.read(b, b.position()) < 0) {
            break;
          }
        }
        b.flip();
        ActivationFileHeader h = ActivationFileHeader.decode(b);
        long expected = ActivationFileHeader.SIZE + h.n() * h.d() * h.dtype().bytes();
        if (ch.size() < expected) {
          throw new ActivationFormatException("activation file truncated: " + ch.size()
              + " bytes, header promises " + expected);
        }
        return new ActivationFileReader(path, ch, h);
      } catch (RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path path() {
    return path;
  }

  public int d() {
    return header.d();
  }

  public long n() {
    return header.n();
  }

  public DType dtype() {
    return header.dtype();
  }

  /** Chunk size the writer used; a good default for sequential reads. */
  public int chunkColumns() {
    return header.chunkColumns();
  }

  /** Reads columns [start, start+count) as a new column-major array. */
  public float[] readColumns(long start, int count) {
    float[] out = new float[Math.multiplyExact(count, d())];
    readColumns(start, count, out);
    return out;
  }

  /** Reads columns [start, start+count) into dst[0 .. count*d), column-major. */
  public void readColumns(long start, int count, float[] dst) {
    if (start < 0 || count < 0 || start + count > n()) {
      throw new IndexOutOfBoundsException("columns [" + start + ", " + (start + count)
          + ") outside [0, " + n() + ")");
    }
    int d = d();
    int bytes = dtype().bytes();
    long position = ActivationFileHeader.SIZE + start * d * bytes;
    int total = count * d;
    // read in slices of at most 8 MiB so a huge request needs no huge direct buffer
    int sliceValues = Math.max(d, (8 << 20) / bytes / d * d);
    ByteBuffer buf = buffer(Math.min(total, sliceValues) * bytes);
    int done = 0;
    while (done < total) {
      int values = Math.min(sliceValues, total - done);
      buf.clear().limit(values * bytes);
      readFully(buf, position + (long) done * bytes);
      buf.flip();
      if (dtype() == DType.FLOAT32) {
        buf.asFloatBuffer().get(dst, done, values);
      } else {
        for (int i = 0; i < values; i++) {
          dst[done + i] = Float16.toFloat(buf.getShort(i * 2));
        }
      }
      done += values;
    }
  }

  /** A reusable direct buffer per thread (direct so the channel reads without an extra copy). */
  private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();

  private ByteBuffer buffer(int capacity) {
    ByteBuffer b = buffers.get();
    if (b == null || b.capacity() < capacity) {
      b = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
      buffers.set(b);
    }
    b.clear();
    return b;
  }

  /**
   * For float32 files: reads columns [start, start+count) as raw little-endian bytes straight into
   * dst (from its position, count·d·4 bytes), e.g. a native buffer, with no intermediate copy.
   *
   * @return false (and reads nothing) for float16 files
   */
  public boolean readFloat32Bytes(long start, int count, ByteBuffer dst) {
    if (dtype() != DType.FLOAT32) {
      return false;
    }
    if (start < 0 || count < 0 || start + count > n()) {
      throw new IndexOutOfBoundsException("columns [" + start + ", " + (start + count)
          + ") outside [0, " + n() + ")");
    }
    ByteBuffer slice = dst.duplicate();
    slice.limit(slice.position() + count * d() * 4);
    readFully(slice, ActivationFileHeader.SIZE + start * d() * 4L);
    return true;
  }

  private void readFully(ByteBuffer b, long position) {
    try {
      long p = position;
      while (b.hasRemaining()) {
        int r = channel.read(b, p);
        if (r < 0) {
          throw new ActivationFormatException("unexpected end of activation file " + path);
        }
        p += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sequential chunks of {@code chunkColumns} columns (the last may be shorter). */
  public Iterable<ActivationChunk> chunks(int chunkColumns) {
    if (chunkColumns <= 0) {
      throw new IllegalArgumentException("chunkColumns must be positive");
    }
    return () -> new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < n();
      }

      @Override
      public ActivationChunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int count = (int) Math.min(chunkColumns, n() - next);
        ActivationChunk c = new ActivationChunk(next, count, readColumns(next, count));
        next += count;
        return c;
      }
    };
  }

  /** Sequential chunks of the writer's chunk size. */
  public Iterable<ActivationChunk> chunks() {
    return chunks(chunkColumns());
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
