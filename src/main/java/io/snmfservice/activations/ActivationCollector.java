package io.snmfservice.activations;

import io.snmfservice.activations.ModelInputs.Window;
import io.snmfservice.activations.store.DType;
import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.datasets.Document;
import io.snmfservice.jobs.JobCancelledException;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.Progress;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a model over a corpus and writes the activations of chosen hook points to the activation store: one
 * column per token, BOS and padding excluded, plus a {@link TokenIndex} saying which token each column is.
 * Documents longer than the context are cut into consecutive windows, each starting with BOS (when the model
 * has one), so every token is recorded once. A collection that fails leaves no files behind: its directory is
 * removed, and running out of room (store limit or full disk) is reported as a {@link StoreFullException}.
 */
public final class ActivationCollector {

  /** Columns per chunk of the activation files (the SNMF engine streams whole chunks). */
  public static final int CHUNK_COLUMNS = 4096;

  /** What was written: files per hook name, the index, and the matrix shape. */
  public record Collected(Map<String, Path> files, Map<String, Integer> widths, Path index, long n,
      double tokensPerSecond, int resumedAfterBatch) {}

  private final LoadedModel model;
  private final int contextLength;
  private final int batchSize;
  private final StoreSpace space;

  public ActivationCollector(LoadedModel model, int contextLength, int batchSize, StoreSpace space) {
    this.model = model;
    this.contextLength = contextLength;
    this.batchSize = batchSize;
    this.space = space;
  }

  /** Which part of the corpus to record: shard {@code index} of {@code count}, cut at batch boundaries. */
  public record Slice(int index, int count) {
    public static final Slice WHOLE = new Slice(0, 1);

    /** Batches [first, end) of {@code batches}; consecutive shards cover them all, in order. */
    long first(long batches) {
      return batches * index / count;
    }

    long end(long batches) {
      return batches * (index + 1) / count;
    }
  }

  /**
   * Records {@code hooks} (full names, e.g. {@code blocks.2.mlp.hook_post}) over the batches of one slice of the
   * documents of dataset {@code datasetId} into {@code directory}, which it owns: a failure no later attempt can get
   * past (a full store, a cancel) deletes it, any other leaves it for the next attempt to resume. After each batch
   * the files are synced and a cursor is renamed into place, so a later attempt over the same directory continues
   * after the last completed batch and writes the same bytes an uninterrupted run would. Writing runs beside the
   * next batch's forward pass ({@link CollectionWriter}). Reports stage {@code collect} with progress mapped into
   * [from, to].
   */
  public Collected collect(long datasetId, List<Document> documents, List<String> hooks, Path directory,
      Progress progress, double from, double to, Slice slice) {
    List<Window> all = ModelInputs.windows(model, datasetId, documents, contextLength);
    if (all.isEmpty()) {
      throw new JobFailedException("the dataset has no tokens to record");
    }
    int bosSlots = model.transformer().config().bosId() >= 0 ? 1 : 0;
    long batches = (all.size() + batchSize - 1) / batchSize;
    long firstBatch = slice.first(batches);
    long endBatch = slice.end(batches);
    List<Window> windows = all.subList((int) Math.min(all.size(), firstBatch * batchSize),
        (int) Math.min(all.size(), endBatch * batchSize));
    long total = windows.stream().mapToLong(w -> w.tokens().length - bosSlots).sum();
    HookSpec spec = HookSpec.logits(LogitsMode.NONE).withCapture(hooks.toArray(String[]::new));
    String fingerprint = hooks + " " + batchSize + " " + all.size() + " " + slice;
    try (CollectionLock lock = CollectionLock.acquire(directory)) {
      Collected collected = collectLocked(windows, hooks, directory, progress, from, to, spec, fingerprint, total);
      lock.close();
      Files.deleteIfExists(directory.resolve(CollectionLock.FILE));
      return collected;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Collected collectLocked(List<Window> windows, List<String> hooks, Path directory, Progress progress,
      double from, double to, HookSpec spec, String fingerprint, long total) {
    HookedTransformer transformer = model.transformer();
    int bosSlots = model.transformer().config().bosId() >= 0 ? 1 : 0;
    CollectionCursor cursor = CollectionCursor.read(directory, fingerprint).orElse(null);
    if (cursor == null) {
      CollectionLock.clear(directory); // leftovers of an attempt that completed no batch
    }
    long start = System.nanoTime();
    int resumedAt = cursor == null ? 0 : cursor.batches();
    boolean complete = false;
    boolean resumable = true;
    CollectionWriter out = null;
    try {
      out = new CollectionWriter(directory, fingerprint, bosSlots, CHUNK_COLUMNS, cursor);
      for (int b = resumedAt; (long) b * batchSize < windows.size(); b++) {
        int b0 = b * batchSize;
        List<Window> batch = windows.subList(b0, Math.min(windows.size(), b0 + batchSize));
        ForwardResult result =
            transformer.forward(TokenBatch.rightPadded(batch.stream().map(Window::tokens).toArray(int[][]::new)), spec);
        space.ensureRoomFor(bytesOf(batch, bosSlots, hooks, result));
        out.submit(b, batch, result, hooks); // after batch b-1 is on disk
        report(progress, from, to, out.columns(), total, start, resumedAt);
      }
      out.finish();
      report(progress, from, to, out.columns(), total, start, resumedAt);
      out.complete();
      CollectionCursor.delete(directory); // complete: nothing left to resume
      complete = true;
    } catch (UncheckedIOException e) {
      resumable = false;
      throw space.writeFailed(e.getCause());
    } catch (JobFailedException | JobCancelledException e) {
      resumable = false; // no later attempt will resume (a full store, bad input, a cancel)
      throw e;
    } finally {
      if (out != null) {
        out.close(); // waits for a write in flight; a new attempt of the job continues after the cursor's batch
      }
      if (!complete && !resumable) {
        discard(directory);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long done = out.columns();
    return new Collected(out.files(), out.widths(), out.index(), done, done / Math.max(seconds, 1e-9), resumedAt);
  }

  /** Progress of the columns on disk. */
  private static void report(Progress progress, double from, double to, long done, long total, long start,
      int resumedAt) {
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.report("collect", from + (to - from) * done / Math.max(total, 1),
        String.format("%,d/%,d tokens, %.0f tokens/s%s", done, total, done / Math.max(seconds, 1e-9),
            resumedAt > 0 ? ", resumed after batch " + resumedAt : ""));
  }

  /** Bytes a batch adds to the store: its columns of every hook plus their token index records. */
  private static long bytesOf(List<Window> batch, int bosSlots, List<String> hooks, ForwardResult result) {
    long columns = batch.stream().mapToLong(w -> w.tokens().length - bosSlots).sum();
    long perColumn = TokenIndex.RECORD;
    for (String hook : hooks) {
      perColumn += (long) result.captureWidth(hook) * DType.FLOAT32.bytes();
    }
    return columns * perColumn;
  }

  /** Removes the partial files. */
  private static void discard(Path directory) {
    try {
      StoreDirectory.deleteRecursively(directory);
    } catch (UncheckedIOException e) {
      // the next attempt of the job, or deleting its set, removes what is left
    }
  }
}
