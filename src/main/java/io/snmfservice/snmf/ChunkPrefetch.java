package io.snmfservice.snmf;

import io.snmfservice.activations.store.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The chunks of a source that is not in memory (a file), read on a thread of their own one chunk ahead of the
 * compute: while the engine computes on chunk c, chunk c+1 is read, widened (float16) and checked, so a pass costs
 * about max(read, compute) instead of their sum. Double buffered, so memory is bounded: two chunk buffers.
 *
 * <p>Where the backend's tensors live in host memory as float32 (ND4J on the CPU) the two buffers are tensors that
 * the reader fills in place (no heap copy, no copy on the compute thread). A float16 file goes another way there:
 * the reader only reads its stored halves (two raw buffers), and the compute thread widens a chunk into one tensor
 * on all cores just before computing on it. Widening on the reader thread beside the computation took a core from
 * its BLAS threads for a third of each chunk step, and every GEMM waited for the thread it had slowed. Otherwise
 * (float64, CUDA, DJL) the buffers are host arrays that the compute thread copies into one reused staging tensor, as
 * before. The values, their order and ‖A‖² (summed per chunk, in chunk order) are those of a sequential read, so
 * the iterates do not change.
 */
final class ChunkPrefetch implements AutoCloseable {

  private final TensorOps ops;
  private final ActivationSource source;
  private final ChunkLayout layout;
  private final int d;
  private final boolean wide;
  private final Buffer[] buffers = new Buffer[2];
  /** A float16 source's stored halves, chunk c in {@code halves[c & 1]}; null unless widened on the compute thread. */
  private final ByteBuffer[] halves;
  private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "snmf-chunk-reader");
    t.setDaemon(true);
    return t;
  });
  /** Host mode: the tensor full-size chunks are copied into (allocating one per chunk costs as much as a GEMM). */
  private DeviceTensor staging;

  ChunkPrefetch(TensorOps ops, ActivationSource source, ChunkLayout layout, SnmfPrecision precision) {
    this.ops = ops;
    this.source = source;
    this.layout = layout;
    this.d = source.d();
    this.wide = precision == SnmfPrecision.FLOAT64;
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = new Buffer();
    }
    hostTensor(buffers[0]);
    ByteBuffer first = buffers[0].bytes == null ? null : source.halvesBuffer(layout.chunkColumns());
    if (first != null) {
      halves = new ByteBuffer[] {first, source.halvesBuffer(layout.chunkColumns())};
    } else {
      halves = null;
      if (buffers[0].bytes != null && layout.count() > 1) {
        hostTensor(buffers[1]);
      }
    }
  }

  /** Gives b a full-size tensor in host memory where the backend has them (float32 on the CPU). */
  private void hostTensor(Buffer b) {
    if (wide || layout.count() == 0) {
      return;
    }
    DeviceTensor t = ops.allocate(d, layout.chunkColumns());
    ByteBuffer bytes = ops.float32HostBytes(t);
    if (bytes == null) {
      t.close();
    } else {
      b.tensor = t;
      b.bytes = bytes;
    }
  }

  /** One chunk's buffer: a host-memory tensor filled in place, or host arrays. */
  private static final class Buffer {
    DeviceTensor tensor;
    ByteBuffer bytes;
    float[] floats;
    double[] doubles;
  }

  /**
   * A chunk as the reader left it: in its buffer's tensor ({@code inTensor}), as stored halves still to be widened
   * ({@code halves} not null), or in its host array.
   */
  private record Filled(int chunk, Buffer buffer, boolean inTensor, double sumOfSquares, ByteBuffer halves) {

    Filled(int chunk, Buffer buffer, boolean inTensor, double sumOfSquares) {
      this(chunk, buffer, inTensor, sumOfSquares, null);
    }
  }

  /** Starts a pass over all chunks in order; the first chunk is read at once. */
  Pass pass(boolean validate) {
    return new Pass(validate);
  }

  /** One pass: {@link #next} hands out chunk 0, 1, … while the following chunk is being read. */
  final class Pass implements AutoCloseable {
    private final boolean validate;
    private Future<Filled> pending;
    private DeviceTensor owned;
    private double sumOfSquares;

    private Pass(boolean validate) {
      this.validate = validate;
      this.pending = submit(0);
    }

    /** The next chunk, valid until the following call (its buffer is then refilled). */
    DeviceTensor next() {
      closeOwned();
      Filled f = await(pending);
      int c = f.chunk();
      pending = c + 1 < layout.count() ? submit(c + 1) : null;
      sumOfSquares += f.sumOfSquares();
      if (f.inTensor()) {
        return f.buffer().tensor;
      }
      if (f.halves() != null) {
        Buffer target = buffers[0]; // free: the chunk handed out before this one is done with
        int length = layout.size(c) * d;
        widen(f.halves(), target.bytes, length);
        if (validate) {
          FloatBuffer values = target.bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
          sumOfSquares += ChunkPrefetch.sumOfSquares(values, length, d, layout.start(c));
        }
        return target.tensor;
      }
      int count = layout.size(c);
      if (count == layout.chunkColumns()) {
        if (staging == null) {
          staging = upload(f.buffer(), count);
        } else if (wide) {
          ops.copyInto(staging, f.buffer().doubles);
        } else {
          ops.copyInto(staging, f.buffer().floats);
        }
        return staging;
      }
      owned = upload(f.buffer(), count);
      return owned;
    }

    /** ‖A‖² over the chunks handed out so far (when validating; 0 otherwise). */
    double sumOfSquares() {
      return sumOfSquares;
    }

    private Future<Filled> submit(int chunk) {
      Buffer b = buffers[chunk & 1];
      return reader.submit(() -> fill(chunk, b, validate));
    }

    private void closeOwned() {
      if (owned != null) {
        owned.close();
        owned = null;
      }
    }

    /** Waits for a read still in flight, even when interrupted: its buffer may be reused or freed next. */
    @Override
    public void close() {
      closeOwned();
      boolean interrupted = false;
      while (pending != null) {
        try {
          pending.get();
          pending = null;
        } catch (ExecutionException e) {
          pending = null; // the pass is being abandoned; a failure of a chunk it did not reach does not matter
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private DeviceTensor upload(Buffer b, int count) {
    return wide ? ops.fromColumnMajor(b.doubles, d, count) : ops.fromColumnMajor(b.floats, d, count);
  }

  /** On the reader thread: chunk c into its buffer, and its sum of squares when validating. */
  private Filled fill(int c, Buffer b, boolean validate) {
    long start = layout.start(c);
    int count = layout.size(c);
    int length = count * d;
    if (halves != null && count == layout.chunkColumns()) {
      ByteBuffer stored = source.readHalves(start, count, halves[c & 1]);
      if (stored != null) {
        return new Filled(c, b, false, 0, stored);
      }
    } else if (b.bytes != null && count == layout.chunkColumns()
        && source.readFloat32Bytes(start, count, b.bytes.duplicate().position(0))) {
      FloatBuffer values = b.bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      return new Filled(c, b, true, validate ? sumOfSquares(values, length, d, start) : 0);
    }
    if (wide) {
      if (b.doubles == null || b.doubles.length != length) {
        b.doubles = new double[length];
      }
      double[] v = b.doubles;
      source.readColumns(start, count, v);
      return new Filled(c, b, false, validate ? sumOfSquares(DoubleBuffer.wrap(v), length, d, start) : 0);
    }
    if (b.floats == null || b.floats.length != length) {
      b.floats = new float[length];
    }
    float[] v = b.floats;
    source.readColumns(start, count, v);
    return new Filled(c, b, false, validate ? sumOfSquares(FloatBuffer.wrap(v), length, d, start) : 0);
  }

  /** float16 values into a tensor's float32 bytes, split by range over the cores (the BLAS threads wait meanwhile). */
  private static void widen(ByteBuffer halves, ByteBuffer floats, int length) {
    int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), length / (1 << 16)));
    IntStream.range(0, parts).parallel().forEach(p -> {
      int from = (int) ((long) length * p / parts);
      int to = (int) ((long) length * (p + 1) / parts);
      Float16.toFloat(halves.duplicate().order(ByteOrder.LITTLE_ENDIAN), from, to - from,
          floats.duplicate().order(ByteOrder.LITTLE_ENDIAN), from);
    });
  }

  /** Σ v² over a chunk's values (d per column) in order, rejecting a value that is not finite. */
  static double sumOfSquares(FloatBuffer values, int length, int d, long firstColumn) {
    double s = 0;
    for (int i = 0; i < length; i++) {
      double v = values.get(i);
      s += v * v;
    }
    if (!Double.isFinite(s)) {
      rejectFirstNonFinite(i -> values.get(i), length, d, firstColumn);
    }
    return s;
  }

  static double sumOfSquares(DoubleBuffer values, int length, int d, long firstColumn) {
    double s = 0;
    for (int i = 0; i < length; i++) {
      double v = values.get(i);
      s += v * v;
    }
    if (!Double.isFinite(s)) {
      rejectFirstNonFinite(values::get, length, d, firstColumn);
    }
    return s;
  }

  /**
   * A sum of squares of finite floats is finite (|v| < 3.5e38, so v² < 1.2e77 in double); one that is not comes from
   * a NaN or an infinity, named here by its place (row = dimension, column = token).
   */
  private static void rejectFirstNonFinite(IntToDoubleFunction values, int length, int d, long firstColumn) {
    for (int i = 0; i < length; i++) {
      double v = values.applyAsDouble(i);
      if (!Double.isFinite(v)) {
        throw new SnmfValidationException("A contains " + v + " at row " + (i % d) + ", column "
            + (firstColumn + i / d));
      }
    }
  }

  private static Filled await(Future<Filled> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a chunk of A", e);
    }
  }

  @Override
  public void close() {
    reader.shutdown(); // no read is in flight: every pass waits for its own
    for (Buffer b : buffers) {
      if (b.tensor != null) {
        b.tensor.close();
        b.tensor = null;
      }
    }
    if (staging != null) {
      staging.close();
      staging = null;
    }
  }
}
