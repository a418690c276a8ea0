package io.snmfservice.activations.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads an activation file written by {@link ActivationFileWriter}, or the shard files a {@link ShardManifest}
 * lists as one matrix: header fields, random column access and sequential chunk iteration. float16 files are
 * widened to float on read. Positional reads only, so one reader may serve several threads as long as each uses its
 * own destination. A matrix larger than the machine's memory is read past the page cache ({@link UncachedFile})
 * where the file system allows it, except a float32 file's bytes copied straight into a caller's buffer.
 */
public final class ActivationFileReader implements AutoCloseable {

  /** One file of the matrix: columns [first, first + header.n) of the whole; {@code uncached} may be null. */
  private record Segment(Path path, FileChannel channel, ActivationFileHeader header, long first,
      UncachedFile uncached) {

    /** This file read past the page cache where its file system allows it, else as before. */
    Segment readUncached() {
      return new Segment(path, channel, header, first, UncachedFile.open(path));
    }

    long bytes() {
      return ActivationFileHeader.SIZE + header.n() * header.d() * header.dtype().bytes();
    }

    void close() throws IOException {
      try (FileChannel c = channel; UncachedFile u = uncached) {
        // both closed, the uncached one first
      }
    }
  }

  private final Path path;
  private final List<Segment> segments;
  private final ActivationFileHeader header;
  private final long n;

  private ActivationFileReader(Path path, List<Segment> segments) {
    this.path = path;
    this.segments = segments;
    this.header = segments.get(0).header();
    Segment last = segments.get(segments.size() - 1);
    this.n = last.first() + last.header().n();
  }

  /**
   * Opens and validates the header (magic, version, completeness, file length). A {@link ShardManifest} opens as
   * one matrix: its parts' columns in order.
   */
  public static ActivationFileReader open(Path path) {
    return open(path, physicalMemory());
  }

  /**
   * As {@link #open(Path)}, reading past the page cache where the matrix is larger than {@code uncachedAbove} bytes
   * (0: always, where the file system allows it).
   */
  public static ActivationFileReader open(Path path, long uncachedAbove) {
    List<Segment> segments = segments(path);
    if (segments.stream().mapToLong(Segment::bytes).sum() > uncachedAbove) {
      segments = segments.stream().map(Segment::readUncached).toList();
    }
    return new ActivationFileReader(path, segments);
  }

  private static List<Segment> segments(Path path) {
    if (!ShardManifest.isManifest(path)) {
      return List.of(segment(path, 0));
    }
    ShardManifest manifest = ShardManifest.read(path);
    List<Segment> segments = new ArrayList<>();
    try {
      long first = 0;
      for (ShardManifest.Part part : manifest.parts()) {
        Segment s = segment(path.resolveSibling(part.file()), first);
        segments.add(s);
        if (s.header().n() != part.columns() || s.header().d() != segments.get(0).header().d()
            || s.header().dtype() != segments.get(0).header().dtype()) {
          throw new ActivationFormatException("shard " + part.shard() + " of " + path + " does not match its manifest");
        }
        first += s.header().n();
      }
      if (segments.isEmpty() || first != manifest.n()) {
        throw new ActivationFormatException("manifest " + path + " promises " + manifest.n() + " columns, parts hold "
            + first);
      }
      return List.copyOf(segments);
    } catch (RuntimeException e) {
      segments.forEach(ActivationFileReader::closeQuietly);
      throw e;
    }
  }

  /** Memory the JVM sees (a container's limit where it has one). */
  private static long physicalMemory() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }

  private static Segment segment(Path path, long first) {
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
        return new Segment(path, ch, h, first, null);
      } catch (RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(Segment segment) {
    try {
      segment.close();
    } catch (IOException e) {
      // closing after a failure; the failure is what matters
    }
  }

  public Path path() {
    return path;
  }

  public int d() {
    return header.d();
  }

  public long n() {
    return n;
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

  /** Reads columns [start, start+count) into dst[0 .. count*d), column-major; ranges may span shards. */
  public void readColumns(long start, int count, float[] dst) {
    checkRange(start, count);
    int done = 0;
    for (Segment s : segments) {
      long from = Math.max(start, s.first());
      long to = Math.min(start + count, s.first() + s.header().n());
      if (from < to) {
        readSegment(s, from - s.first(), (int) (to - from), dst, done * d());
        done += (int) (to - from);
      }
    }
  }

  private void checkRange(long start, int count) {
    if (start < 0 || count < 0 || start + count > n()) {
      throw new IndexOutOfBoundsException("columns [" + start + ", " + (start + count)
          + ") outside [0, " + n() + ")");
    }
  }

  private void readSegment(Segment s, long start, int count, float[] dst, int offset) {
    readSlices(s, start, count, (slice, values, at) -> {
      if (dtype() == DType.FLOAT32) {
        slice.asFloatBuffer().get(dst, offset + at, values);
      } else {
        Float16.toFloat(slice.asShortBuffer(), values, dst, offset + at);
      }
    });
  }

  /** Where {@link #readSlices} hands each slice: {@code values} values that go to index {@code at} onwards. */
  private interface SliceSink {
    void accept(ByteBuffer slice, int values, int at);
  }

  /** Reads a segment's columns [start, start+count) in slices of at most 8 MiB (no huge direct buffer needed). */
  private void readSlices(Segment s, long start, int count, SliceSink sink) {
    int d = d();
    int bytes = dtype().bytes();
    long position = ActivationFileHeader.SIZE + start * d * bytes;
    int total = count * d;
    int sliceValues = Math.max(d, (8 << 20) / bytes / d * d);
    int sliceBytes = Math.min(total, sliceValues) * bytes;
    ByteBuffer buf = s.uncached() == null ? buffer(sliceBytes) : alignedBuffer(s.uncached(), sliceBytes);
    int done = 0;
    while (done < total) {
      int values = Math.min(sliceValues, total - done);
      long at = position + (long) done * bytes;
      if (s.uncached() == null) {
        buf.clear().limit(values * bytes);
        readFully(s, buf, at);
        buf.flip();
        sink.accept(buf, values, done);
      } else {
        sink.accept(readUncached(s, buf, at, values * bytes), values, done);
      }
      done += values;
    }
  }

  private ByteBuffer readUncached(Segment s, ByteBuffer buf, long position, int length) {
    try {
      return s.uncached().read(buf, position, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A reusable direct buffer per thread (direct so the channel reads without an extra copy). */
  private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();
  /** The same for direct I/O, aligned as it needs ({@link UncachedFile#buffer}). */
  private final ThreadLocal<ByteBuffer> alignedBuffers = new ThreadLocal<>();

  private ByteBuffer buffer(int capacity) {
    ByteBuffer b = buffers.get();
    if (b == null || b.capacity() < capacity) {
      b = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
      buffers.set(b);
    }
    b.clear();
    return b;
  }

  private ByteBuffer alignedBuffer(UncachedFile file, int bytes) {
    ByteBuffer b = alignedBuffers.get();
    if (b == null || !file.fits(b, bytes)) {
      b = file.buffer(bytes);
      alignedBuffers.set(b);
    }
    return b;
  }

  /**
   * Reads columns [start, start+count) as little-endian float32 bytes into dst (from its position, count·d·4
   * bytes), e.g. a native buffer, with no heap copy: a float32 file straight into it, a float16 file widened into it.
   *
   * @return true (the {@code ActivationSource} contract lets other sources decline)
   */
  public boolean readFloat32Bytes(long start, int count, ByteBuffer dst) {
    checkRange(start, count);
    int at = dst.position();
    for (Segment s : segments) {
      long from = Math.max(start, s.first());
      long to = Math.min(start + count, s.first() + s.header().n());
      if (from < to) {
        int length = (int) (to - from) * d() * 4;
        if (dtype() == DType.FLOAT32) {
          ByteBuffer slice = dst.duplicate();
          slice.position(at).limit(at + length);
          readFully(s, slice, ActivationFileHeader.SIZE + (from - s.first()) * d() * 4L);
        } else {
          ByteBuffer out = dst.duplicate().position(at).slice().order(ByteOrder.LITTLE_ENDIAN);
          readSlices(s, from - s.first(), (int) (to - from), (slice, values, first) ->
              Float16.toFloat(slice.slice().order(ByteOrder.LITTLE_ENDIAN), 0, values, out, first));
        }
        at += length;
      }
    }
    return true;
  }

  /**
   * A buffer for {@link #readHalves} of up to {@code count} columns, aligned for direct I/O where the matrix is read
   * past the page cache; null unless the matrix is float16.
   */
  public ByteBuffer halvesBuffer(int count) {
    if (dtype() != DType.FLOAT16) {
      return null;
    }
    int bytes = Math.multiplyExact(count, d() * 2);
    UncachedFile uncached = segments.get(0).uncached();
    return uncached == null ? ByteBuffer.allocateDirect(bytes) : uncached.buffer(bytes);
  }

  /**
   * Columns [start, start+count) of a float16 matrix as stored, little-endian halves with no conversion, read into
   * {@code buffer} from {@link #halvesBuffer}: a view of exactly them, valid until the buffer's next use. Null where
   * the columns span two shard files (the caller reads them another way).
   */
  public ByteBuffer readHalves(long start, int count, ByteBuffer buffer) {
    checkRange(start, count);
    if (dtype() != DType.FLOAT16) {
      throw new IllegalStateException(path + " holds " + dtype() + ", not float16");
    }
    int length = count * d() * 2;
    for (Segment s : segments) {
      if (start >= s.first() && start + count <= s.first() + s.header().n()) {
        long position = ActivationFileHeader.SIZE + (start - s.first()) * d() * 2;
        if (s.uncached() != null && s.uncached().fits(buffer, length)) {
          return readUncached(s, buffer, position, length);
        }
        ByteBuffer view = buffer.duplicate().clear().limit(length);
        readFully(s, view, position);
        return view.flip().slice().order(ByteOrder.LITTLE_ENDIAN);
      }
    }
    return null;
  }

  private void readFully(Segment s, ByteBuffer b, long position) {
    try {
      long p = position;
      while (b.hasRemaining()) {
        int r = s.channel().read(b, p);
        if (r < 0) {
          throw new ActivationFormatException("unexpected end of activation file " + s.path());
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

  /** Whether every file of the matrix is read past the page cache. */
  boolean readsUncached() {
    return segments.stream().allMatch(s -> s.uncached() != null);
  }

  @Override
  public void close() {
    try {
      for (Segment s : segments) {
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
