package io.snmfservice.snmf;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a factorization saves its iteration state so that a new attempt (after a crash or a lost lease) resumes
 * from the last save instead of iteration 0. A save holds everything the next iteration reads — the current G,
 * the best (F, G) so far, the sums M = A·G and S = GᵀG, ‖A‖², the loss history and the patience counter — so a
 * resumed run computes exactly the iterates of an uninterrupted one. One file, replaced atomically (written
 * beside it, forced to disk, then renamed), so a kill during a save leaves the previous one intact.
 */
public final class SnmfCheckpoints {

  /** Never saves, never resumes. */
  public static final SnmfCheckpoints NONE = new SnmfCheckpoints(null, 0, Duration.ZERO);

  private static final long MAGIC = 0x534e4d46434b5031L; // "SNMFCKP1"

  private final Path file;
  private final int everyIterations;
  private final Duration every;
  private int lastSavedIteration;
  private long lastSavedNanos = System.nanoTime();

  private SnmfCheckpoints(Path file, int everyIterations, Duration every) {
    this.file = file;
    this.everyIterations = everyIterations;
    this.every = every;
  }

  /**
   * Saves to {@code file} every {@code everyIterations} iterations (0: not by count) or when {@code every} has
   * passed since the last save (zero: not by time), whichever comes first.
   */
  public static SnmfCheckpoints in(Path file, int everyIterations, Duration every) {
    if (everyIterations < 0 || every.isNegative()) {
      throw new SnmfValidationException("checkpoint intervals must not be negative");
    }
    return new SnmfCheckpoints(file, everyIterations, every);
  }

  public boolean enabled() {
    return file != null && (everyIterations > 0 || !every.isZero());
  }

  /** Removes the saved state (once the result is safe, or when the run is abandoned). */
  public void delete() {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(partial());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean due(int iteration) {
    if (!enabled()) {
      return false;
    }
    boolean byCount = everyIterations > 0 && iteration - lastSavedIteration >= everyIterations;
    boolean byTime = !every.isZero() && System.nanoTime() - lastSavedNanos >= every.toNanos();
    return byCount || byTime;
  }

  /** The scalar and host-side state after an iteration; G blocks travel separately, chunk by chunk. */
  record State(int iteration, double[] losses, double best, int bestIteration, int stall, double[] bestF,
      double normA2, double[] m, double[] s, boolean bestIsCurrent) {

    /** Before iteration 1: G₀ in slot 0 with its sums, no loss and no best yet. */
    static State start(double[] m, double[] s, double normA2) {
      return new State(0, new double[0], Double.POSITIVE_INFINITY, 0, 0, null, normA2, m, s, false);
    }
  }

  /** Reads G blocks of one slot from the engine's store while saving, or writes them back while resuming. */
  interface Blocks {
    int count();

    /** Values of block {@code chunk} (float[] or double[] by precision). */
    Object read(int slot, int chunk);

    void write(int slot, int chunk, Object values);

    /** Number of values (rows × K) of block {@code chunk}. */
    int values(int chunk);
  }

  void save(String fingerprint, State state, int currentSlot, int bestSlot, Blocks g, boolean wide) {
    Path tmp = partial();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fos, 1 << 20))) {
        out.writeLong(MAGIC);
        out.writeUTF(fingerprint);
        out.writeInt(state.iteration());
        writeArray(out, state.losses());
        out.writeDouble(state.best());
        out.writeInt(state.bestIteration());
        out.writeInt(state.stall());
        out.writeBoolean(state.bestF() != null);
        if (state.bestF() != null) {
          writeArray(out, state.bestF());
        }
        out.writeDouble(state.normA2());
        writeArray(out, state.m());
        writeArray(out, state.s());
        out.writeBoolean(state.bestIsCurrent());
        writeSlot(out, g, currentSlot, wide);
        if (!state.bestIsCurrent() && bestSlot >= 0) {
          writeSlot(out, g, bestSlot, wide);
        }
        out.flush();
        fos.getFD().sync();
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
        dir.force(true); // the rename itself survives a crash
      } catch (IOException e) {
        // some file systems cannot open directories; the rename is still atomic
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the factorization checkpoint " + file, e);
    }
    lastSavedIteration = state.iteration();
    lastSavedNanos = System.nanoTime();
  }

  /**
   * The saved state if there is one for this run, with its G blocks already written into slots 0 (current) and 1
   * (best, when it differs); a save of another run (other data or settings) is ignored.
   */
  Optional<State> load(String fingerprint, Blocks g, boolean wide) {
    if (!enabled()) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      if (in.readLong() != MAGIC || !in.readUTF().equals(fingerprint)) {
        return Optional.empty();
      }
      int iteration = in.readInt();
      double[] losses = readArray(in);
      double best = in.readDouble();
      int bestIteration = in.readInt();
      int stall = in.readInt();
      double[] bestF = in.readBoolean() ? readArray(in) : null;
      double normA2 = in.readDouble();
      double[] m = readArray(in);
      double[] s = readArray(in);
      boolean bestIsCurrent = in.readBoolean();
      readSlot(in, g, 0, wide);
      if (!bestIsCurrent && bestF != null) {
        readSlot(in, g, 1, wide);
      }
      lastSavedIteration = iteration;
      lastSavedNanos = System.nanoTime();
      return Optional.of(new State(iteration, losses, best, bestIteration, stall, bestF, normA2, m, s, bestIsCurrent));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the factorization checkpoint " + file, e);
    }
  }

  private Path partial() {
    return file.resolveSibling(file.getFileName() + ".partial");
  }

  private static void writeSlot(DataOutputStream out, Blocks g, int slot, boolean wide) throws IOException {
    for (int c = 0; c < g.count(); c++) {
      Object values = g.read(slot, c);
      ByteBuffer b;
      if (wide) {
        double[] v = (double[]) values;
        b = ByteBuffer.allocate(v.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
      } else {
        float[] v = (float[]) values;
        b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
      }
      out.write(b.array());
    }
  }

  private static void readSlot(DataInputStream in, Blocks g, int slot, boolean wide) throws IOException {
    for (int c = 0; c < g.count(); c++) {
      int values = g.values(c);
      byte[] bytes = new byte[values * (wide ? Double.BYTES : Float.BYTES)];
      in.readFully(bytes);
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      if (wide) {
        double[] v = new double[values];
        b.asDoubleBuffer().get(v);
        g.write(slot, c, v);
      } else {
        float[] v = new float[values];
        b.asFloatBuffer().get(v);
        g.write(slot, c, v);
      }
    }
  }

  private static void writeArray(DataOutputStream out, double[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer b = ByteBuffer.allocate(v.length * Double.BYTES);
    b.asDoubleBuffer().put(v);
    out.write(b.array());
  }

  private static double[] readArray(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt() * Double.BYTES];
    in.readFully(bytes);
    double[] v = new double[bytes.length / Double.BYTES];
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(v);
    return v;
  }
}
