package io.snmfservice.transformer.loader;

import io.snmfservice.activations.store.Float16;
import io.snmfservice.transformer.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test-side safetensors writer, written from the format description (8-byte LE header length, JSON header with
 * dtype/shape/data_offsets, raw LE data), independent of the production reader.
 */
public final class SafetensorsTestWriter {

  private SafetensorsTestWriter() {}

  /** Writes tensors (in map order) with the given dtype: F32, F16 or BF16 (16-bit ones rounded to nearest even). */
  public static void write(Path file, Map<String, HostTensor> tensors, String dtype) {
    int width = dtype.equals("F32") ? 4 : 2;
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      long bytes = (long) e.getValue().data().length * width;
      StringBuilder shape = new StringBuilder();
      for (long s : e.getValue().shape()) {
        shape.append(shape.length() == 0 ? "" : ",").append(s);
      }
      header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":[")
          .append(shape).append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    header.append('}');
    while ((header.length() + 8) % 8 != 0) {
      header.append(' ');
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate((int) (8 + headerBytes.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(headerBytes.length).put(headerBytes);
    for (HostTensor t : tensors.values()) {
      for (float v : t.data()) {
        switch (dtype) {
          case "F32" -> out.putFloat(v);
          case "BF16" -> out.putShort(toBfloat16(v));
          case "F16" -> out.putShort(Float16.fromFloat(v));
          default -> throw new IllegalArgumentException(dtype);
        }
      }
    }
    try {
      Files.write(file, out.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static short toBfloat16(float v) {
    int bits = Float.floatToRawIntBits(v);
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
