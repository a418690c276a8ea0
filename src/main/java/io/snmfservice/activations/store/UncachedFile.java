package io.snmfservice.activations.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read with direct I/O, past the page cache. Meant for activation files larger than memory, which the
 * streaming engine reads whole on every pass: through the page cache each pass costs a copy and the page bookkeeping
 * of every byte (about 0.4 CPU-s per GB on the benchmark machine, against 0.03 with direct I/O) and evicts everything
 * else cached, the database's pages included, for a file that can never stay cached anyway. Direct I/O moves whole
 * aligned blocks into an aligned buffer, so a range that starts or ends inside a block is read with the rest of it.
 */
final class UncachedFile implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;
  private final int block;

  private UncachedFile(Path path, FileChannel channel, int block) {
    this.path = path;
    this.channel = channel;
    this.block = block;
  }

  /** Opens {@code path} for direct reads; null where its file system does not offer them (tmpfs, for one). */
  static UncachedFile open(Path path) {
    try {
      long block = Files.getFileStore(path).getBlockSize();
      if (block <= 0 || block > (1 << 20) || Long.bitCount(block) != 1) {
        return null;
      }
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
      return new UncachedFile(path, channel, (int) block);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** A buffer for {@link #read} of ranges up to {@code bytes} long at any position. */
  ByteBuffer buffer(int bytes) {
    // aligning the slice costs up to a block at each end, and fits asks for two blocks to spare: with only three
    // extra the slice often fell short, and every read allocated a new buffer (8 MB a chunk, freed only by a GC)
    return ByteBuffer.allocateDirect(Math.addExact(bytes, 4 * block)).alignedSlice(block);
  }

  /** Whether {@code buffer} serves reads of up to {@code bytes} (large enough, aligned to this file's blocks). */
  boolean fits(ByteBuffer buffer, int bytes) {
    return buffer.capacity() >= (long) bytes + 2 * block && buffer.alignmentOffset(0, block) == 0;
  }

  /**
   * Reads bytes [position, position + length) into {@code buffer} (from {@link #buffer}, large enough) and returns
   * a little-endian view of exactly those bytes, valid until the buffer's next use.
   */
  ByteBuffer read(ByteBuffer buffer, long position, int length) throws IOException {
    long start = position - position % block;
    int skip = (int) (position - start);
    int end = skip + length;
    buffer.clear().limit((end + block - 1) / block * block);
    while (buffer.position() < end) {
      int read = channel.read(buffer, start + buffer.position());
      // a read returns whole blocks until the end of the file: a short one before `end` means the file is short
      if (read <= 0 || (buffer.position() < end && buffer.position() % block != 0)) {
        throw new ActivationFormatException("unexpected end of activation file " + path);
      }
    }
    return buffer.duplicate().position(skip).limit(end).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
