package io.snmfservice.features;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A minimal .npy reader for tests (format 1.0, C order, little-endian f4 or i4). */
record Npy(String descr, int[] shape, ByteBuffer data) {

  static Npy parse(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IllegalArgumentException("not an npy file");
    }
    int headerLength = b.getShort(8) & 0xffff;
    String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
    String descr = header.replaceAll("(?s).*'descr': '([^']+)'.*", "$1");
    String[] dims = header.replaceAll("(?s).*'shape': \\(([^)]*)\\).*", "$1").split(",");
    int[] shape = java.util.Arrays.stream(dims).map(String::strip).filter(s -> !s.isEmpty())
        .mapToInt(Integer::parseInt).toArray();
    ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    return new Npy(descr, shape, data);
  }

  float f(int row, int col) {
    return data.getFloat(4 * (row * shape[1] + col));
  }

  int i(int row, int col) {
    return data.getInt(4 * (row * shape[1] + col));
  }
}
