package io.snmfservice.support;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builders of .npy and safetensors bytes with any header, written from the format descriptions so tests can say
 * exactly what a hostile file claims (independent of the production readers).
 */
public final class HostileFiles {

  private HostileFiles() {}

  /** An .npy v1.0 file: magic, version, 2-byte header length, the header padded to 64 bytes, then {@code data}. */
  public static byte[] npy(String header, byte[] data) {
    StringBuilder h = new StringBuilder(header);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out = ByteBuffer.allocate(10 + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) hb.length).put(hb).put(data);
    return out.array();
  }

  /** The header numpy writes for a C-order array of {@code descr} with {@code shape}, e.g. "(3, 128)". */
  public static String npyHeader(String descr, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  }

  /** little-endian float32 bytes of {@code values}. */
  public static byte[] f32(float... values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      out.putFloat(v);
    }
    return out.array();
  }

  /** A safetensors file: 8-byte LE header length, the header as given, then {@code data}. */
  public static byte[] safetensors(String header, byte[] data) {
    return safetensors(header.getBytes(StandardCharsets.UTF_8).length, header, data);
  }

  /** As above with a header length field that may lie. */
  public static byte[] safetensors(long declaredHeaderLength, String header, byte[] data) {
    byte[] hb = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(declaredHeaderLength).put(hb).put(data);
    return out.array();
  }

  /** One header entry, e.g. entry("W_dec", "F32", "[2, 3]", 0, 24). */
  public static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
        + end + "]}";
  }
}
