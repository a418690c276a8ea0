package io.snmfservice.activations;

import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.datasets.Document;
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
 * has one), so every token is recorded once.
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

  public ActivationCollector(LoadedModel model, int contextLength, int batchSize) {
    this.model = model;
    this.contextLength = contextLength;
    this.batchSize = batchSize;
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
   * {@code directory}. Reports stage {@code collect} with progress mapped into [from, to].
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
    } finally {
      writers.values().forEach(ActivationFileWriter::close); // a no-op after a clean finish
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Collected(files, widths, index, done, done / Math.max(seconds, 1e-9), resumedAt);
  }
}
