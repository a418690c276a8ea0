package io.snmfservice.snmf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * G blocks in one scratch file per slot (little-endian float32 or float64 by precision); chunk c's
 * column-major n_c×K block sits at byte offset start(c)·K·bytes. Files are deleted on close.
 */
final class DiskGStore implements GStore {

  private final TensorOps ops;
  private final ChunkLayout layout;
  private final int k;
  private final int bytes;
  private final Path[] files;
  private final FileChannel[] channels;

  /** False for a file this store opened and leaves in place (a stored result). */
  private final boolean scratch;

  DiskGStore(TensorOps ops, Path directory, int slots, ChunkLayout layout, int k) {
    this.scratch = true;
    this.ops = ops;
    this.layout = layout;
    this.k = k;
    this.bytes = ops.precision() == SnmfPrecision.FLOAT64 ? 8 : 4;
    this.files = new Path[slots];
    this.channels = new FileChannel[slots];
    try {
      Files.createDirectories(directory);
      for (int s = 0; s < slots; s++) {
        files[s] = Files.createTempFile(directory, "snmf-g-", ".bin");
        channels[s] = FileChannel.open(files[s], StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  private DiskGStore(TensorOps ops, Path file, ChunkLayout layout, int k) {
    this.scratch = false;
    this.ops = ops;
    this.layout = layout;
    this.k = k;
    this.bytes = ops.precision() == SnmfPrecision.FLOAT64 ? 8 : 4;
    this.files = new Path[] {file};
    try {
      // writable: the hierarchy fine-tune overwrites G in place
      this.channels = new FileChannel[] {FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One slot (0) over an existing G file of this layout, kept on close. */
  static DiskGStore openExisting(TensorOps ops, Path file, ChunkLayout layout, int k) {
    return new DiskGStore(ops, file, layout, k);
  }

  private long offset(int chunk) {
    return layout.start(chunk) * k * bytes;
  }

  @Override
  public DeviceTensor read(int slot, int chunk) {
    int rows = layout.size(chunk);
    ByteBuffer b = ByteBuffer.allocate(rows * k * bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      long p = offset(chunk);
      while (b.hasRemaining()) {
        int r = channels[slot].read(b, p + b.position());
        if (r < 0) {
          throw new IllegalStateException("G slot " + slot + " chunk " + chunk + " was never written");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    b.flip();
    if (bytes == 8) {
      double[] v = new double[rows * k];
      b.asDoubleBuffer().get(v);
      return ops.fromColumnMajor(v, rows, k);
    }
    float[] v = new float[rows * k];
    b.asFloatBuffer().get(v);
    return ops.fromColumnMajor(v, rows, k);
  }

  @Override
  public void release(DeviceTensor block) {
    block.close();
  }

  @Override
  public void write(int slot, int chunk, DeviceTensor block) {
    ByteBuffer b = ByteBuffer.allocate(block.rows() * k * bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes == 8) {
      b.asDoubleBuffer().put(ops.toColumnMajorDouble(block));
    } else {
      b.asFloatBuffer().put(ops.toColumnMajorFloat(block));
    }
    block.close();
    try {
      long p = offset(chunk);
      while (b.hasRemaining()) {
        channels[slot].write(b, p + b.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (int s = 0; s < files.length; s++) {
      try {
        if (channels[s] != null) {
          channels[s].close();
        }
        if (scratch && files[s] != null) {
          Files.deleteIfExists(files[s]);
        }
      } catch (IOException e) {
        // scratch files: nothing useful to do
      }
    }
  }
}
