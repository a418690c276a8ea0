package io.snmfservice.activations;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which token each column of an activation file belongs to. File layout (little-endian): 8-byte magic
 * {@code SNMFTIDX}, int32 version (1), int64 n, then n records of three int32: document ordinal, position of the
 * token within the document's token sequence (0-based, BOS not counted), token id.
 */
public final class TokenIndex {

  private static final byte[] MAGIC = "SNMFTIDX".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int HEADER = 8 + 4 + 8;
  /** Bytes per token in the index file. */
  static final int RECORD = 12;

  private final int[] documents;
  private final int[] positions;
  private final int[] tokens;

  private TokenIndex(int[] documents, int[] positions, int[] tokens) {
    this.documents = documents;
    this.positions = positions;
    this.tokens = tokens;
  }

  public int size() {
    return documents.length;
  }

  public int document(int column) {
    return documents[column];
  }

  public int position(int column) {
    return positions[column];
  }

  public int token(int column) {
    return tokens[column];
  }

  public static TokenIndex read(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(header, 0);
      header.flip();
      byte[] magic = new byte[8];
      header.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC) || header.getInt() != 1) {
        throw new IllegalArgumentException(path + " is not a token index file");
      }
      long n = header.getLong();
      if (n > Integer.MAX_VALUE || channel.size() != HEADER + n * RECORD) {
        throw new IllegalArgumentException(path + " is truncated or too large");
      }
      ByteBuffer body =
          channel.map(FileChannel.MapMode.READ_ONLY, HEADER, n * RECORD).order(ByteOrder.LITTLE_ENDIAN);
      int count = (int) n;
      int[] docs = new int[count];
      int[] pos = new int[count];
      int[] toks = new int[count];
      for (int i = 0; i < count; i++) {
        docs[i] = body.getInt();
        pos[i] = body.getInt();
        toks[i] = body.getInt();
      }
      return new TokenIndex(docs, pos, toks);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends records; {@link #close()} writes the final count into the header. */
  public static final class Writer implements AutoCloseable {
    private final Path path;
    private final DataOutputStream out;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD).order(ByteOrder.LITTLE_ENDIAN);
    private long n;

    public Writer(Path path) {
      this.path = path;
      try {
        OutputStream file = Files.newOutputStream(path);
        this.out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16));
        out.write(new byte[HEADER]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public void append(int document, int position, int token) {
      record.clear();
      record.putInt(document).putInt(position).putInt(token);
      try {
        out.write(record.array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      n++;
    }

    public long size() {
      return n;
    }

    @Override
    public void close() {
      try {
        out.close();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
          header.put(MAGIC).putInt(1).putLong(n).flip();
          channel.write(header, 0);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
