package io.snmfservice.activations;

import io.snmfservice.activations.store.ShardManifest;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
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

  /** Reads an index file, or the parts a {@link ShardManifest} lists as one index over all shards' tokens. */
  public static TokenIndex read(Path path) {
    if (!ShardManifest.isManifest(path)) {
      return readFile(path);
    }
    ShardManifest manifest = ShardManifest.read(path);
    if (manifest.n() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(path + " is too large");
    }
    int n = (int) manifest.n();
    int[] docs = new int[n];
    int[] pos = new int[n];
    int[] toks = new int[n];
    int at = 0;
    for (ShardManifest.Part part : manifest.parts()) {
      TokenIndex shard = readFile(path.resolveSibling(part.file()));
      if (shard.size() != part.columns() || at + shard.size() > n) {
        throw new IllegalArgumentException("shard " + part.shard() + " of " + path + " does not match its manifest");
      }
      System.arraycopy(shard.documents, 0, docs, at, shard.size());
      System.arraycopy(shard.positions, 0, pos, at, shard.size());
      System.arraycopy(shard.tokens, 0, toks, at, shard.size());
      at += shard.size();
    }
    if (at != n) {
      throw new IllegalArgumentException(path + " promises " + n + " tokens, its parts hold " + at);
    }
    return new TokenIndex(docs, pos, toks);
  }

  private static TokenIndex readFile(Path path) {
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
    private final FileChannel channel;
    private final DataOutputStream out;
    private final ByteBuffer record = ByteBuffer.allocate(RECORD).order(ByteOrder.LITTLE_ENDIAN);
    private long n;

    public Writer(Path path) {
      this(path, -1);
    }

    private Writer(Path path, long resumeAt) {
      this.path = path;
      try {
        if (resumeAt < 0) {
          channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
        } else {
          channel = FileChannel.open(path, StandardOpenOption.WRITE);
          long keep = HEADER + resumeAt * RECORD;
          if (channel.size() < keep) {
            channel.close();
            throw new IllegalArgumentException(path + " holds fewer than the " + resumeAt + " records to resume from");
          }
          channel.truncate(keep);
          channel.position(keep);
          n = resumeAt;
        }
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
        if (resumeAt < 0) {
          out.write(new byte[HEADER]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reopens an index an interrupted writer left behind, keeping its first {@code n} records. */
    public static Writer resume(Path path, long n) {
      return new Writer(path, n);
    }

    /** Forces the records appended so far to disk. */
    public void sync() {
      try {
        out.flush();
        channel.force(false);
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
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
          ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
          header.put(MAGIC).putInt(1).putLong(n).flip();
          file.write(header, 0);
          file.force(false);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
