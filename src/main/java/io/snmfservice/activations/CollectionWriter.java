package io.snmfservice.activations;

import io.snmfservice.activations.ModelInputs.Window;
import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.transformer.ForwardResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The writing side of a collection, on a thread of its own so that batch b is converted, written and synced while
 * the forward pass of batch b+1 runs. One batch at a time is written: {@link #submit} first waits until the previous
 * batch is durable, so at most two batches' captures are held (the one being written and the one just computed).
 * Per batch, in order: its columns appended to every hook's activation file and its records to the token index, all
 * files synced, then the {@link CollectionCursor} renamed into place; {@link #columns()} moves only after that, so
 * neither the cursor nor the progress built on it ever claims a batch that is not on disk. A write that fails is
 * rethrown on the collecting thread by the next {@link #submit} or {@link #finish}.
 */
final class CollectionWriter implements AutoCloseable {

  private final Path directory;
  private final String fingerprint;
  private final int bosSlots;
  private final int chunkColumns;
  /** Touched only by the writing thread until {@link #finish} or {@link #close} has waited for it. */
  private final Map<String, ActivationFileWriter> writers = new LinkedHashMap<>();
  private final Map<String, Path> files = new LinkedHashMap<>();
  private final Map<String, Integer> widths = new LinkedHashMap<>();
  private final Path index;
  private final TokenIndex.Writer indexWriter;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "activation-writer");
    t.setDaemon(true);
    return t;
  });
  private Future<?> pending;
  /** Columns durably written and claimed by the cursor. */
  private volatile long columns;
  private boolean completed;

  /** Opens the files of a new collection, or reopens those a cursor describes, cut back to what it claims. */
  CollectionWriter(Path directory, String fingerprint, int bosSlots, int chunkColumns, CollectionCursor cursor) {
    this.directory = directory;
    this.fingerprint = fingerprint;
    this.bosSlots = bosSlots;
    this.chunkColumns = chunkColumns;
    this.index = directory.resolve("tokens.idx");
    this.columns = cursor == null ? 0 : cursor.columns();
    TokenIndex.Writer opened = null;
    try {
      if (cursor != null) {
        widths.putAll(cursor.widths());
        for (Map.Entry<String, Integer> hook : cursor.widths().entrySet()) {
          Path file = directory.resolve(hook.getKey() + ".act");
          files.put(hook.getKey(), file);
          writers.put(hook.getKey(),
              ActivationFileWriter.resume(file, hook.getValue(), DType.FLOAT32, chunkColumns, columns));
        }
      }
      opened = cursor == null ? new TokenIndex.Writer(index) : TokenIndex.Writer.resume(index, columns);
    } catch (RuntimeException e) {
      writers.values().forEach(CollectionWriter::closeQuietly);
      thread.shutdown();
      throw e;
    }
    indexWriter = opened;
  }

  /**
   * Hands batch {@code number} (its windows and the forward pass over them) to the writing thread, after waiting
   * until the batch before it is durable; rethrows that batch's failure.
   */
  void submit(int number, List<Window> batch, ForwardResult result, List<String> hooks) {
    awaitPending();
    pending = thread.submit(() -> write(number, batch, result, hooks));
  }

  /** Waits until every batch submitted is durable; rethrows a failure. */
  void finish() {
    awaitPending();
  }

  /** Columns on disk and claimed by the cursor. */
  long columns() {
    return columns;
  }

  /** After {@link #finish}: the activation file of each hook, its width, and the token index. */
  Map<String, Path> files() {
    return files;
  }

  Map<String, Integer> widths() {
    return widths;
  }

  Path index() {
    return index;
  }

  /** After {@link #finish}: writes the final column counts into the headers and closes the files. */
  void complete() {
    completed = true;
    writers.values().forEach(ActivationFileWriter::close);
    indexWriter.close();
  }

  /**
   * Waits for a write still in flight (even when interrupted: the directory's lock must not be released under it),
   * stops the thread and closes what is still open without reporting again an error already on its way.
   */
  @Override
  public void close() {
    boolean interrupted = false;
    while (pending != null) {
      try {
        pending.get();
        pending = null;
      } catch (ExecutionException e) {
        pending = null; // the collection is being abandoned, its own error is on its way
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    thread.shutdown();
    if (!completed) {
      writers.values().forEach(CollectionWriter::closeQuietly);
      closeQuietly(indexWriter);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(int number, List<Window> batch, ForwardResult result, List<String> hooks) {
    for (String hook : hooks) {
      int width = result.captureWidth(hook);
      widths.put(hook, width);
      ActivationFileWriter writer = writers.get(hook);
      if (writer == null) {
        Path file = directory.resolve(hook + ".act");
        writer = ActivationFileWriter.create(file, width, DType.FLOAT32, chunkColumns);
        writers.put(hook, writer);
        files.put(hook, file);
      }
      float[] flat = result.captureFlat(hook);
      for (int row = 0; row < batch.size(); row++) {
        // row-major [row][slot][d] is column-major per row: one column per slot, BOS and padding left out
        writer.appendColumns(flat, (row * result.width() + bosSlots) * width, batch.get(row).tokens().length - bosSlots);
      }
    }
    long done = columns;
    for (Window w : batch) {
      for (int slot = bosSlots; slot < w.tokens().length; slot++) {
        indexWriter.append(w.document(), w.offset() + slot - bosSlots, w.tokens()[slot]);
      }
      done += w.tokens().length - bosSlots;
    }
    writers.values().forEach(ActivationFileWriter::sync);
    indexWriter.sync();
    new CollectionCursor(fingerprint, number + 1, done, new LinkedHashMap<>(widths)).write(directory);
    columns = done;
  }

  private void awaitPending() {
    if (pending == null) {
      return;
    }
    try {
      pending.get();
      pending = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch to be written", e);
    } catch (ExecutionException e) {
      pending = null;
      if (e.getCause() instanceof RuntimeException r) {
        throw r; // as the collecting thread would have thrown it: an I/O error stays an UncheckedIOException
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the error on its way says what went wrong
    }
  }
}
