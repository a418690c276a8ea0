package io.snmfservice.activations.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The fixed 64-byte header of an activation file (all fields little-endian).
 *
 * <pre>
 * offset size field
 *  0      8   magic "SNMFACT1" (ASCII)
 *  8      4   format version (int32) = 1
 * 12      4   dtype code (int32): 0 = float32, 1 = float16 (IEEE binary16)
 * 16      4   d, rows = values per column (int32, &gt; 0)
 * 20      4   chunkColumns, the writer's chunk size in columns (int32, &gt; 0)
 * 24      8   n, number of columns (int64); -1 while the file is still being written
 * 32      4   data offset in bytes (int32) = 64
 * 36     28   reserved, zero
 * </pre>
 *
 * @param d values per column
 * @param n number of columns, -1 for an unfinished file
 */
public record ActivationFileHeader(int d, long n, DType dtype, int chunkColumns) {

  public static final int SIZE = 64;
  public static final int VERSION = 1;
  static final byte[] MAGIC = "SNMFACT1".getBytes(StandardCharsets.US_ASCII);
  static final long N_OFFSET = 24;

  ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putInt(dtype.code()).putInt(d).putInt(chunkColumns).putLong(n);
    b.putInt(SIZE);
    b.position(0).limit(SIZE);
    return b;
  }

  static ActivationFileHeader decode(ByteBuffer b) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new ActivationFormatException("not an activation file (bad magic)");
    }
    int version = b.getInt();
    if (version != VERSION) {
      throw new ActivationFormatException("unsupported activation file version " + version);
    }
    DType dtype = DType.fromCode(b.getInt());
    int d = b.getInt();
    int chunkColumns = b.getInt();
    long n = b.getLong();
    int dataOffset = b.getInt();
    if (dataOffset != SIZE) {
      throw new ActivationFormatException("unexpected data offset " + dataOffset);
    }
    if (d <= 0 || chunkColumns <= 0) {
      throw new ActivationFormatException("invalid header: d=" + d + ", chunkColumns=" + chunkColumns);
    }
    if (n < 0) {
      throw new ActivationFormatException("activation file is incomplete (writer was not closed)");
    }
    return new ActivationFileHeader(d, n, dtype, chunkColumns);
  }
}
