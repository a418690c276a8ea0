package io.snmfservice.activations;

import io.snmfservice.activations.store.ActivationFileWriter;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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

  /** One model input: a window of a document's tokens. */
  record Window(int document, int offset, int[] tokens) {}

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

  /** Token ids of each document: text through the model's tokenizer, token documents as given (minus a leading BOS). */
  public List<int[]> tokenize(List<Document> documents) {
    int vocab = model.transformer().config().vocabSize();
    int bos = model.transformer().config().bosId();
    List<int[]> out = new ArrayList<>(documents.size());
    for (Document doc : documents) {
      int[] ids = doc.tokenIds() != null ? doc.tokenIds() : model.tokenizer().encode(doc.text());
      if (ids.length > 0 && bos >= 0 && ids[0] == bos) {
        ids = Arrays.copyOfRange(ids, 1, ids.length);
      }
      for (int id : ids) {
        if (id < 0 || id >= vocab) {
          throw new JobFailedException(
              "document " + doc.ordinal() + " has token id " + id + ", outside the model's vocabulary of " + vocab);
        }
      }
      out.add(ids);
    }
    return out;
  }

  /** Cuts documents into model inputs of at most {@code contextLength} tokens including BOS. */
  List<Window> windows(List<Document> documents, List<int[]> tokens) {
    int bos = model.transformer().config().bosId();
    int span = bos >= 0 ? contextLength - 1 : contextLength;
    List<Window> windows = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      int[] ids = tokens.get(i);
      for (int offset = 0; offset < ids.length; offset += span) {
        int end = Math.min(ids.length, offset + span);
        int[] input = new int[end - offset + (bos >= 0 ? 1 : 0)];
        int at = 0;
        if (bos >= 0) {
          input[at++] = bos;
        }
        System.arraycopy(ids, offset, input, at, end - offset);
        windows.add(new Window(documents.get(i).ordinal(), offset, input));
      }
    }
    return windows;
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
   * Records {@code hooks} (full names, e.g. {@code blocks.2.mlp.hook_post}) over the documents into
   * {@code directory}, which it owns: a failure no later attempt can get past (a full store, a cancel) deletes it,
   * any other leaves it for the next attempt to resume. Reports stage {@code collect} with progress mapped into
   * [from, to].
   */
  public Collected collect(
      List<Document> documents, List<String> hooks, Path directory, Progress progress, double from, double to) {
    return collect(documents, hooks, directory, progress, from, to, Slice.WHOLE);
  }

  /**
   * Records the batches of one slice. After each batch the files are synced and a cursor is renamed into place, so
   * a later attempt over the same directory continues after the last completed batch and writes the same bytes an
   * uninterrupted run would.
   */
  public Collected collect(List<Document> documents, List<String> hooks, Path directory, Progress progress,
      double from, double to, Slice slice) {
    List<int[]> tokens = tokenize(documents);
    List<Window> all = windows(documents, tokens);
    int bosSlots = model.transformer().config().bosId() >= 0 ? 1 : 0;
    if (all.stream().allMatch(w -> w.tokens().length == bosSlots)) {
      throw new JobFailedException("the dataset has no tokens to record");
    }
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
    Map<String, Path> files = new LinkedHashMap<>();
    Map<String, ActivationFileWriter> writers = new LinkedHashMap<>();
    Map<String, Integer> widths = new LinkedHashMap<>(cursor == null ? Map.of() : cursor.widths());
    Path index = directory.resolve("tokens.idx");
    long start = System.nanoTime();
    long done = cursor == null ? 0 : cursor.columns();
    int resumedAt = cursor == null ? 0 : cursor.batches();
    boolean complete = false;
    boolean resumable = true;
    try {
      if (cursor != null) {
        for (String hook : widths.keySet()) {
          Path file = directory.resolve(hook + ".act");
          writers.put(hook, ActivationFileWriter.resume(file, widths.get(hook), DType.FLOAT32, CHUNK_COLUMNS, done));
          files.put(hook, file);
        }
      }
      try (TokenIndex.Writer indexWriter =
          cursor == null ? new TokenIndex.Writer(index) : TokenIndex.Writer.resume(index, done)) {
        for (int b = resumedAt; (long) b * batchSize < windows.size(); b++) {
          int b0 = b * batchSize;
          List<Window> batch = windows.subList(b0, Math.min(windows.size(), b0 + batchSize));
          ForwardResult result =
              transformer.forward(TokenBatch.rightPadded(batch.stream().map(Window::tokens).toArray(int[][]::new)), spec);
          space.ensureRoomFor(bytesOf(batch, bosSlots, hooks, result));
          for (String hook : hooks) {
            int width = result.captureWidth(hook);
            widths.put(hook, width);
            ActivationFileWriter writer = writers.get(hook);
            if (writer == null) {
              Path file = directory.resolve(hook + ".act");
              writer = ActivationFileWriter.create(file, width, DType.FLOAT32, CHUNK_COLUMNS);
              writers.put(hook, writer);
              files.put(hook, file);
            }
            float[] flat = result.captureFlat(hook);
            for (int row = 0; row < batch.size(); row++) {
              int length = batch.get(row).tokens().length;
              int from0 = (row * result.width() + bosSlots) * width;
              int to0 = (row * result.width() + length) * width;
              writer.appendColumns(Arrays.copyOfRange(flat, from0, to0), length - bosSlots);
            }
          }
          for (Window w : batch) {
            for (int slot = bosSlots; slot < w.tokens().length; slot++) {
              indexWriter.append(w.document(), w.offset() + slot - bosSlots, w.tokens()[slot]);
            }
            done += w.tokens().length - bosSlots;
          }
          writers.values().forEach(ActivationFileWriter::sync);
          indexWriter.sync();
          new CollectionCursor(fingerprint, b + 1, done, widths).write(directory);
          double seconds = (System.nanoTime() - start) / 1e9;
          progress.report("collect", from + (to - from) * done / Math.max(total, 1),
              String.format("%,d/%,d tokens, %.0f tokens/s%s", done, total, done / Math.max(seconds, 1e-9),
                  resumedAt > 0 ? ", resumed after batch " + resumedAt : ""));
        }
      }
      writers.values().forEach(ActivationFileWriter::close);
      CollectionCursor.delete(directory); // complete: nothing left to resume
      complete = true;
    } catch (UncheckedIOException e) {
      resumable = false;
      throw space.writeFailed(e.getCause());
    } catch (JobFailedException | JobCancelledException e) {
      resumable = false; // no later attempt will resume (a full store, bad input, a cancel)
      throw e;
    } finally {
      if (!complete && resumable) {
        closeQuietly(writers.values()); // a new attempt of the job continues after the cursor's batch
      } else if (!complete) {
        discard(writers.values(), directory);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Collected(files, widths, index, done, done / Math.max(seconds, 1e-9), resumedAt);
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

  /** Closes what is open without reporting again the error already on its way. */
  private static void closeQuietly(Iterable<ActivationFileWriter> writers) {
    for (ActivationFileWriter writer : writers) {
      try {
        writer.close();
      } catch (RuntimeException e) {
        // the error on its way says what went wrong
      }
    }
  }

  /** Closes what is open and removes the partial files. */
  private static void discard(Iterable<ActivationFileWriter> writers, Path directory) {
    closeQuietly(writers);
    try {
      StoreDirectory.deleteRecursively(directory);
    } catch (UncheckedIOException e) {
      // the next attempt of the job, or deleting its set, removes what is left
    }
  }
}
