package io.snmfservice.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.snmfservice.activations.store.ActivationFileHeader;
import io.snmfservice.datasets.Document;
import io.snmfservice.jobs.JobCancelledException;
import io.snmfservice.jobs.Progress;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector with its writing on a thread of its own: the cursor never claims more than the files hold while the
 * forward passes run ahead, a failed write fails the collection (no hang, nothing claimed), a cancel stops it, and an
 * attempt stopped midway and resumed writes the bytes of an undisturbed one.
 */
class CollectionWriterTest {

  private static final Path STORIES = Path.of("../shared/models/stories260K/stories260K.bin");
  private static final String HOOK = HookPoint.mlpPost(1);
  private static final int D = 172;
  private static final int CONTEXT = 16;
  private static final int BATCH = 4;
  private static final int BATCHES = 30; // 40 documents of 40 tokens: 3 windows each, 4 a batch
  private static HookedTransformer transformer;
  private static LoadedModel model;
  private static final List<Document> DOCUMENTS = documents(40, 40);

  @TempDir Path tmp;

  @BeforeAll
  static void load() {
    transformer = TransformerLoader.load(STORIES, TestDevice.get());
    model = new LoadedModel(null, STORIES, transformer, null);
  }

  @AfterAll
  static void close() {
    transformer.close();
  }

  @Test
  void theCursorNeverClaimsMoreThanTheFilesHold() throws IOException {
    Path dir = tmp.resolve("claims");
    List<Long> checked = new ArrayList<>();
    Progress progress = (stage, fraction, message) -> {
      long reported = reportedTokens(message);
      CollectionCursor cursor = CollectionCursor.read(dir, fingerprint()).orElse(null);
      long claimed = cursor == null ? 0 : cursor.columns();
      assertThat(reported).isLessThanOrEqualTo(claimed);
      if (cursor != null) { // the files only grow while it runs: what the cursor says must already be there
        assertThat(size(dir.resolve(HOOK + ".act"))).isGreaterThanOrEqualTo(ActivationFileHeader.SIZE + claimed * D * 4);
        assertThat(size(dir.resolve("tokens.idx"))).isGreaterThanOrEqualTo(20 + claimed * TokenIndex.RECORD);
      }
      checked.add(reported);
    };
    ActivationCollector.Collected collected = collector().collect(1, DOCUMENTS, List.of(HOOK), dir, progress, 0, 1,
        ActivationCollector.Slice.WHOLE);
    assertThat(collected.n()).isEqualTo(40 * 40);
    assertThat(checked).hasSize(BATCHES + 1).isSorted().last().isEqualTo(1600L);
    assertThat(dir.resolve("cursor")).doesNotExist();
    assertNoWriterThread();
  }

  @Test
  void aWriteThatFailsOnTheWritingThreadFailsTheCollectionAndLeavesNothing() {
    Path dir = tmp.resolve("fails");
    Progress progress = (stage, fraction, message) -> {
      if (reportedTokens(message) > 0) {
        try { // the next cursor cannot be written: its temporary name is taken by a directory
          Files.createDirectories(dir.resolve("cursor.tmp"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    assertThatThrownBy(() -> collector().collect(1, DOCUMENTS, List.of(HOOK), dir, progress, 0, 1,
        ActivationCollector.Slice.WHOLE)).isInstanceOf(UncheckedIOException.class);
    assertThat(dir).doesNotExist();
    assertNoWriterThread();
  }

  @Test
  void aCancelStopsTheCollectionAndRemovesItsFiles() {
    Path dir = tmp.resolve("cancelled");
    AtomicInteger reports = new AtomicInteger();
    Progress progress = (stage, fraction, message) -> {
      if (reports.incrementAndGet() == 5) {
        throw new JobCancelledException(1);
      }
    };
    assertThatThrownBy(() -> collector().collect(1, DOCUMENTS, List.of(HOOK), dir, progress, 0, 1,
        ActivationCollector.Slice.WHOLE)).isInstanceOf(JobCancelledException.class);
    assertThat(dir).doesNotExist();
    assertNoWriterThread();
  }

  @Test
  void anAttemptStoppedMidwayResumesAndWritesTheBytesOfAnUndisturbedOne() throws IOException {
    Path undisturbed = tmp.resolve("undisturbed");
    collector().collect(1, DOCUMENTS, List.of(HOOK), undisturbed, (s, f, m) -> { }, 0, 1,
        ActivationCollector.Slice.WHOLE);

    Path dir = tmp.resolve("resumed");
    AtomicInteger reports = new AtomicInteger();
    Progress stopping = (stage, fraction, message) -> {
      if (reports.incrementAndGet() == 7) {
        throw new IllegalStateException("the worker stops"); // not a cancel: the next attempt resumes
      }
    };
    assertThatThrownBy(() -> collector().collect(1, DOCUMENTS, List.of(HOOK), dir, stopping, 0, 1,
        ActivationCollector.Slice.WHOLE)).hasMessage("the worker stops");
    assertNoWriterThread();
    int claimed = CollectionCursor.read(dir, fingerprint()).orElseThrow().batches();
    assertThat(claimed).as("six batches durable at the 7th report, the 7th in flight completes").isEqualTo(7);

    ActivationCollector.Collected resumed = collector().collect(1, DOCUMENTS, List.of(HOOK), dir, (s, f, m) -> { },
        0, 1, ActivationCollector.Slice.WHOLE);
    assertThat(resumed.resumedAfterBatch()).isEqualTo(claimed);
    assertThat(Files.readAllBytes(dir.resolve(HOOK + ".act")))
        .isEqualTo(Files.readAllBytes(undisturbed.resolve(HOOK + ".act")));
    assertThat(Files.readAllBytes(dir.resolve("tokens.idx")))
        .isEqualTo(Files.readAllBytes(undisturbed.resolve("tokens.idx")));
  }

  private ActivationCollector collector() {
    return new ActivationCollector(model, CONTEXT, BATCH, new StoreSpace(tmp, 0));
  }

  private static String fingerprint() {
    return List.of(HOOK) + " " + BATCH + " " + BATCHES * BATCH + " " + ActivationCollector.Slice.WHOLE;
  }

  private static long reportedTokens(String message) {
    return Long.parseLong(message.substring(0, message.indexOf('/')).replace(",", ""));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertNoWriterThread() {
    await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("activation-writer")));
  }

  /** Token ids of stories260K's vocabulary (512), BOS (1) left out. */
  private static List<Document> documents(int count, int length) {
    Random random = new Random(3);
    List<Document> out = new ArrayList<>();
    for (int d = 0; d < count; d++) {
      out.add(Document.tokens(d, random.ints(length, 3, 512).toArray()));
    }
    return out;
  }
}
