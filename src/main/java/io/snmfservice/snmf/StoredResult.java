package io.snmfservice.snmf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A factorization result as files, written by a process that is not the service (the Spark application) and read
 * back as an {@link SnmfResult}: {@code f.bin} (F, d×K column-major float64 little-endian), {@code g.bin} (G in the
 * layout of {@link DiskGStore}: chunk c's column-major n_c×K block at row start(c), float32 or float64 by precision)
 * and {@code result.properties} (shape, chunk size, losses, best iteration).
 */
public final class StoredResult {

  public static final String F_FILE = "f.bin";
  public static final String G_FILE = "g.bin";
  public static final String SUMMARY_FILE = "result.properties";

  private StoredResult() {}

  /**
   * Writes rows [firstRow, firstRow + rows) of G, one whole chunk of the layout, into g.bin (positional, so
   * writers of different chunks need no coordination). Exactly one of g32, g64 is non-null.
   */
  public static void writeGChunk(Path dir, long firstRow, int rows, int k, float[] g32, double[] g64) {
    int bytes = g32 != null ? 4 : 8;
    ByteBuffer b = ByteBuffer.allocate(rows * k * bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (g32 != null) {
      b.asFloatBuffer().put(g32, 0, rows * k);
    } else {
      b.asDoubleBuffer().put(g64, 0, rows * k);
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(G_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long p = firstRow * k * bytes;
      while (b.hasRemaining()) {
        ch.write(b, p + b.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes F and the summary; g.bin must be complete before (readers take the summary as the end mark). */
  public static void writeSummary(Path dir, long n, int chunkColumns, SnmfPrecision precision, int d, int k,
      double[] f, double[] losses, int bestIteration, double relativeError) {
    ByteBuffer b = ByteBuffer.allocate(f.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(f);
    Properties p = new Properties();
    p.setProperty("d", Integer.toString(d));
    p.setProperty("n", Long.toString(n));
    p.setProperty("k", Integer.toString(k));
    p.setProperty("chunkColumns", Integer.toString(chunkColumns));
    p.setProperty("precision", precision.name());
    p.setProperty("bestIteration", Integer.toString(bestIteration));
    p.setProperty("relativeError", Double.toString(relativeError));
    p.setProperty("losses", Arrays.stream(losses).mapToObj(Double::toString).collect(Collectors.joining(",")));
    try {
      Files.write(dir.resolve(F_FILE), b.array());
      Path tmp = dir.resolve(SUMMARY_FILE + ".tmp");
      try (var out = Files.newOutputStream(tmp)) {
        p.store(out, "SNMF result");
      }
      Files.move(tmp, dir.resolve(SUMMARY_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The result in dir; G stays in g.bin (read on demand), which the caller deletes after closing the result. */
  public static SnmfResult read(Path dir, TensorOps ops) {
    Properties p = new Properties();
    try (var in = Files.newInputStream(dir.resolve(SUMMARY_FILE))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int d = Integer.parseInt(p.getProperty("d"));
    int k = Integer.parseInt(p.getProperty("k"));
    long n = Long.parseLong(p.getProperty("n"));
    ChunkLayout layout = new ChunkLayout(n, Integer.parseInt(p.getProperty("chunkColumns")));
    if (ops.precision() != SnmfPrecision.valueOf(p.getProperty("precision"))) {
      throw new IllegalArgumentException("G is stored in " + p.getProperty("precision") + ", ops read "
          + ops.precision());
    }
    double[] losses = Arrays.stream(p.getProperty("losses").split(",")).mapToDouble(Double::parseDouble).toArray();
    double[] f = new double[d * k];
    try {
      ByteBuffer.wrap(Files.readAllBytes(dir.resolve(F_FILE))).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DiskGStore store = DiskGStore.openExisting(ops, dir.resolve(G_FILE), layout, k);
    GFactor g = new GFactor(ops, store, 0, layout, k);
    AutoCloseable resources = () -> {
      store.close();
      ops.close();
    };
    return new SnmfResult(d, k, f, g, losses, Integer.parseInt(p.getProperty("bestIteration")),
        Double.parseDouble(p.getProperty("relativeError")), resources);
  }
}
