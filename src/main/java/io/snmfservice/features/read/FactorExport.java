package io.snmfservice.features.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a factorization's factor files to a client, as a zip of {@code .npy} files or as one safetensors file
 * (tensors {@code F_level{l}}, {@code G}, {@code tokens}, {@code links_level{l}}), without loading G into memory.
 */
final class FactorExport {

  private FactorExport() {}

  static void zip(Path dir, OutputStream out) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(1);
      for (Path file : files(dir)) {
        zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
  }

  /** The safetensors layout: 8-byte little-endian header length, JSON header with offsets, raw tensor bytes. */
  static void safetensors(Path dir, JsonMapper json, Map<String, String> metadata, OutputStream out)
      throws IOException {
    ObjectNode header = json.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    Map<Path, NpyHeader> headers = new LinkedHashMap<>();
    long offset = 0;
    for (Path file : files(dir)) {
      NpyHeader h = NpyHeader.read(file);
      headers.put(file, h);
      ObjectNode tensor = header.putObject(file.getFileName().toString().replace(".npy", ""));
      tensor.put("dtype", h.descr().equals("<i4") ? "I32" : "F32");
      var shape = tensor.putArray("shape");
      for (long s : h.shape()) {
        shape.add(s);
      }
      long bytes = Files.size(file) - h.length();
      tensor.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] text = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    java.util.Arrays.fill(headerBytes, (byte) ' ');
    System.arraycopy(text, 0, headerBytes, 0, text.length);
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
    out.write(headerBytes);
    for (Map.Entry<Path, NpyHeader> e : headers.entrySet()) {
      try (InputStream in = Files.newInputStream(e.getKey())) {
        in.skipNBytes(e.getValue().length());
        in.transferTo(out);
      }
    }
    out.flush();
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      List<Path> files = new ArrayList<>(listing.filter(p -> p.toString().endsWith(".npy")).sorted().toList());
      return files;
    }
  }

  /** The parts of an .npy header an export needs. */
  record NpyHeader(int length, String descr, long[] shape) {
    static NpyHeader read(Path file) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        byte[] prefix = in.readNBytes(10);
        int textLength = (prefix[8] & 0xff) | (prefix[9] & 0xff) << 8;
        String text = new String(in.readNBytes(textLength), StandardCharsets.US_ASCII);
        String descr = text.replaceAll("(?s).*'descr': '([^']+)'.*", "$1");
        String dims = text.replaceAll("(?s).*'shape': \\(([^)]*)\\).*", "$1");
        long[] shape = Stream.of(dims.split(",")).map(String::strip).filter(s -> !s.isEmpty())
            .mapToLong(Long::parseLong).toArray();
        return new NpyHeader(10 + textLength, descr, shape);
      }
    }
  }
}
