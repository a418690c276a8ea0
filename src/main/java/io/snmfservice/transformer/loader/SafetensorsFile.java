package io.snmfservice.transformer.loader;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.snmfservice.activations.store.Float16;
import io.snmfservice.transformer.HostTensor;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader of one {@code .safetensors} file: 8-byte little-endian header length n, n bytes of JSON
 * ({@code name → {dtype, shape, data_offsets: [begin, end]}}, offsets relative to the end of the header), then the
 * raw little-endian tensor data. Tensors are memory-mapped one at a time and converted to float32
 * (F32, F16, BF16 and F64 are understood).
 *
 * <p>The one reader for uploads and checkpoints, so it trusts nothing in the file: the header length is bounded
 * (by the file and by {@code maxHeaderBytes}) before it is allocated, every entry's dtype, shape and offsets are
 * checked with exact arithmetic when the file is opened (element count × dtype size = end − begin, 0 ≤ begin ≤
 * end ≤ data length, no two tensors overlap), and {@link #info} gives shape and dtype so callers can check them
 * against what they expect before {@link #read} allocates. Malformed files raise
 * {@link MalformedTensorFileException} naming the field.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** Header bound for checkpoints (a large model's header is a few MB at most). */
  public static final long DEFAULT_MAX_HEADER_BYTES = 100L << 20;
  /** Most dimensions a tensor may declare. */
  static final int MAX_RANK = 8;
  /** Largest Java array most JVMs will allocate. */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** What the header says about one tensor; {@code elements} is the exact product of {@code shape}. */
  public record TensorInfo(String name, String dtype, long[] shape, long elements, long begin, long end) {
    public long[] shape() {
      return shape.clone();
    }
  }

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> entries = new LinkedHashMap<>();

  private SafetensorsFile(Path path, long maxHeaderBytes) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (size < 8) {
        throw new MalformedTensorFileException("not a safetensors file: " + size + " bytes, too short for the header"
            + " length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(lengthBytes, 0);
      long headerLength = lengthBytes.getLong(0);
      if (headerLength < 2 || headerLength > size - 8 || headerLength > maxHeaderBytes) {
        throw new MalformedTensorFileException("not a safetensors file: header length " + Long.toUnsignedString(
            headerLength) + " is outside 2.." + Math.min(size - 8, maxHeaderBytes) + " (file of " + size + " bytes)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(header, 8);
      this.dataStart = 8 + headerLength;
      parseHeader(new String(header.array(), StandardCharsets.UTF_8), size - dataStart);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens a file and checks its header (at most {@link #DEFAULT_MAX_HEADER_BYTES}). */
  public static SafetensorsFile open(Path path) {
    return open(path, DEFAULT_MAX_HEADER_BYTES);
  }

  /** Opens a file whose header may be at most {@code maxHeaderBytes} long, and checks it. */
  public static SafetensorsFile open(Path path, long maxHeaderBytes) {
    try {
      return new SafetensorsFile(path, maxHeaderBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /**
   * Reads the header with a streaming reader, so no JSON tree is built: arrays longer than a shape can be are
   * refused at their first surplus entry and {@code __metadata__} is skipped, whatever the header holds.
   */
  private void parseHeader(String text, long dataLength) {
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        throw new MalformedTensorFileException("safetensors header is not a JSON object");
      }
      reader.beginObject();
      while (reader.hasNext()) {
        String name = reader.nextName();
        if (name.equals("__metadata__")) {
          reader.skipValue();
        } else if (entries.containsKey(name)) {
          throw new MalformedTensorFileException("safetensors header names tensor " + abbreviate(name) + " twice");
        } else {
          entries.put(name, entry(name, reader, dataLength));
        }
      }
      reader.endObject();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedTensorFileException("safetensors header has more after its JSON object");
      }
    } catch (IOException | IllegalStateException e) { // malformed or mistyped JSON
      throw new MalformedTensorFileException("safetensors header is not valid JSON");
    }
    requireNoOverlap();
  }

  private static TensorInfo entry(String name, JsonReader reader, long dataLength) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_OBJECT) {
      throw new MalformedTensorFileException("header entry of " + name + " is not an object");
    }
    String dtype = null;
    long[] shape = null;
    long[] offsets = null;
    reader.beginObject();
    while (reader.hasNext()) {
      switch (reader.nextName()) {
        case "dtype" -> {
          if (reader.peek() != JsonToken.STRING) {
            throw new MalformedTensorFileException("dtype of " + name + " is not a string");
          }
          dtype = reader.nextString();
        }
        case "shape" -> shape = longs(reader, "shape of " + name, MAX_RANK);
        case "data_offsets" -> offsets = longs(reader, "data_offsets of " + name, 2);
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    if (dtype == null) {
      throw new MalformedTensorFileException("dtype of " + name + " is missing");
    }
    int width = bytesPerValue(dtype);
    if (width == 0) {
      throw new MalformedTensorFileException("dtype of " + name + " is " + abbreviate(dtype)
          + ", not a safetensors dtype");
    }
    if (shape == null) {
      throw new MalformedTensorFileException("shape of " + name + " is missing");
    }
    long elements = 1;
    try {
      for (long s : shape) {
        if (s < 0) {
          throw new MalformedTensorFileException("shape of " + name + " " + Arrays.toString(shape)
              + " has a negative dimension");
        }
        elements = Math.multiplyExact(elements, s);
      }
    } catch (ArithmeticException overflow) {
      throw new MalformedTensorFileException("shape of " + name + " " + Arrays.toString(shape)
          + " has more elements than a 64-bit count can hold");
    }
    if (offsets == null || offsets.length != 2) {
      throw new MalformedTensorFileException("data_offsets of " + name + " must be [begin, end]");
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || begin > end || end > dataLength) {
      throw new MalformedTensorFileException("data_offsets of " + name + " " + Arrays.toString(offsets)
          + " are not within the " + dataLength + " data bytes (0 ≤ begin ≤ end ≤ data length)");
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(elements, width);
    } catch (ArithmeticException overflow) {
      bytes = -1;
    }
    if (bytes != end - begin) {
      throw new MalformedTensorFileException("data_offsets of " + name + " " + Arrays.toString(offsets) + " span "
          + (end - begin) + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + (bytes < 0 ? "more than 2^63" : Long.toString(bytes)));
    }
    return new TensorInfo(name, dtype, shape, elements, begin, end);
  }

  /** A JSON array of at most {@code maxLength} exact 64-bit integers (no fractions, no rounding of big ones). */
  private static long[] longs(JsonReader reader, String field, int maxLength) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_ARRAY) {
      throw new MalformedTensorFileException(field + " is not an array");
    }
    long[] values = new long[maxLength];
    int n = 0;
    reader.beginArray();
    while (reader.hasNext()) {
      if (n == maxLength) {
        throw new MalformedTensorFileException(field + " has more than " + maxLength + " entries");
      }
      String literal = reader.peek() == JsonToken.NUMBER ? reader.nextString() : null;
      try {
        // BigDecimal would take "1e999999999", but no integer of 64 bits needs over 40 characters
        if (literal == null || literal.length() > 40) {
          throw new NumberFormatException();
        }
        values[n++] = new BigDecimal(literal).longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw new MalformedTensorFileException(field + " holds " + (literal == null ? "a non-number"
            : abbreviate(literal)) + ", not a 64-bit integer");
      }
    }
    reader.endArray();
    return Arrays.copyOf(values, n);
  }

  private void requireNoOverlap() {
    List<TensorInfo> byBegin = new ArrayList<>(entries.values());
    byBegin.sort(Comparator.comparingLong(TensorInfo::begin));
    for (int i = 1; i < byBegin.size(); i++) {
      TensorInfo before = byBegin.get(i - 1);
      TensorInfo after = byBegin.get(i);
      if (after.begin() < before.end()) {
        throw new MalformedTensorFileException("data_offsets of " + after.name() + " overlap those of "
            + before.name());
      }
    }
  }

  /** Bytes per value of a safetensors dtype, 0 for an unknown one. */
  static int bytesPerValue(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3" -> 1;
      case "I16", "U16", "F16", "BF16" -> 2;
      case "I32", "U32", "F32" -> 4;
      case "I64", "U64", "F64" -> 8;
      default -> 0;
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private void readFully(ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new MalformedTensorFileException("safetensors file ends early");
      }
    }
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The checked header entry of a tensor (shape, dtype, exact element count), without reading its data. */
  public TensorInfo info(String name) {
    TensorInfo entry = entries.get(name);
    if (entry == null) {
      throw new IllegalArgumentException(path + " has no tensor " + name);
    }
    return entry;
  }

  /** Reads a tensor as float32 with its shape. */
  public HostTensor read(String name) {
    TensorInfo entry = info(name);
    if (!Set.of("F32", "F16", "BF16", "F64").contains(entry.dtype())) {
      throw new MalformedTensorFileException("dtype of " + name + " is " + entry.dtype()
          + "; only F32, F16, BF16 and F64 tensors can be read");
    }
    if (entry.elements() > MAX_ARRAY_LENGTH) {
      throw new MalformedTensorFileException("shape of " + name + " " + Arrays.toString(entry.shape)
          + " has more elements than one array can hold");
    }
    float[] values = new float[(int) entry.elements()];
    try {
      ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), entry.end() - entry.begin())
          .order(ByteOrder.LITTLE_ENDIAN);
      switch (entry.dtype()) {
        case "F32" -> data.asFloatBuffer().get(values);
        case "F64" -> {
          var doubles = data.asDoubleBuffer();
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) doubles.get(i);
          }
        }
        case "BF16" -> {
          var shorts = data.asShortBuffer();
          for (int i = 0; i < values.length; i++) {
            values[i] = bfloat16ToFloat(shorts.get(i));
          }
        }
        default -> {
          var shorts = data.asShortBuffer();
          for (int i = 0; i < values.length; i++) {
            values[i] = Float16.toFloat(shorts.get(i));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map " + name + " from " + path, e);
    }
    return new HostTensor(values, entry.shape());
  }

  /** bfloat16 is the upper half of a float32: shift it back. */
  private static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
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
