package io.snmfservice.transformer.loader;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.snmfservice.transformer.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reader of one {@code .safetensors} file: 8-byte little-endian header length n, n bytes of JSON
 * ({@code name → {dtype, shape, data_offsets: [begin, end]}}, offsets relative to the end of the header), then the
 * raw little-endian tensor data. Tensors are memory-mapped one at a time and converted to float32
 * (F32, F16, BF16 and F64 are understood).
 */
public final class SafetensorsFile implements AutoCloseable {

  private record Entry(String dtype, long[] shape, long begin, long end) {}

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private SafetensorsFile(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(lengthBytes, 0);
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > 100_000_000L || 8 + headerLength > channel.size()) {
        throw new IOException(path + ": not a safetensors file (header length " + headerLength + ")");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(header, 8);
      this.dataStart = 8 + headerLength;
      JsonObject json = JsonParser.parseString(new String(header.array(), StandardCharsets.UTF_8)).getAsJsonObject();
      for (Map.Entry<String, JsonElement> e : json.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        JsonObject info = e.getValue().getAsJsonObject();
        var shapeJson = info.getAsJsonArray("shape");
        long[] shape = new long[shapeJson.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shapeJson.get(i).getAsLong();
        }
        var offsets = info.getAsJsonArray("data_offsets");
        Entry entry = new Entry(info.get("dtype").getAsString(), shape, offsets.get(0).getAsLong(), offsets.get(1).getAsLong());
        if (dataStart + entry.end() > channel.size()) {
          throw new IOException(path + ": tensor " + e.getKey() + " extends past the end of the file");
        }
        entries.put(e.getKey(), entry);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens a file and parses its header. */
  public static SafetensorsFile open(Path path) {
    try {
      return new SafetensorsFile(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private void readFully(ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException(path + ": unexpected end of file");
      }
    }
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** Reads a tensor as float32 with its shape. */
  public Tensor read(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new IllegalArgumentException(path + " has no tensor " + name);
    }
    long count = 1;
    for (long s : entry.shape()) {
      count *= s;
    }
    int bytesPerValue = switch (entry.dtype()) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> throw new IllegalArgumentException(name + ": unsupported dtype " + entry.dtype());
    };
    if (entry.end() - entry.begin() != count * bytesPerValue || count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": " + (entry.end() - entry.begin()) + " bytes do not hold shape "
          + java.util.Arrays.toString(entry.shape()) + " of " + entry.dtype());
    }
    float[] values = new float[(int) count];
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
            values[i] = HalfFloats.bfloat16ToFloat(shorts.get(i));
          }
        }
        default -> {
          var shorts = data.asShortBuffer();
          for (int i = 0; i < values.length; i++) {
            values[i] = HalfFloats.halfToFloat(shorts.get(i));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map " + name + " from " + path, e);
    }
    return new Tensor(values, entry.shape().clone());
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
