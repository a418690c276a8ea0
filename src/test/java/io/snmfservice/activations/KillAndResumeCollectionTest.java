package io.snmfservice.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.activations.store.ActivationFileHeader;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.KillTest;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A service process killed (SIGKILL) in the middle of a collection: after a new process starts, the expired lease
 * sends the job back to the queue, its second attempt continues after the last completed batch, and the activation
 * file and token index equal those of an undisturbed collection byte for byte. One worker thread per process, so
 * no two forward passes run at once (see the report on this branch: concurrent passes on a loaded machine were
 * seen to differ in the last bit).
 */
@SlowTest
@KillTest
class KillAndResumeCollectionTest {

  private static final Pattern TOKENS = Pattern.compile("^([\\d,]+)/[\\d,]+ tokens");
  private static final String LAYER = "1";

  @TempDir Path dataDir;
  /** Its own database: no other test's workers may take its jobs. */
  private final TestDatabase.Connection db = TestDatabase.createDatabase("kill_collect_" + System.nanoTime());
  private final List<ServiceProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    processes.forEach(ServiceProcess::kill);
  }

  private ServiceProcess start() {
    ServiceProcess p = ServiceProcess.start(db, dataDir, "service-" + processes.size() + ".log", List.of(
        "--snmf.workers.threads=1",
        // twelve heartbeats: a loaded machine held one back for over 3 s, and the lost lease made a third attempt
        "--snmf.workers.lease-duration=6s",
        "--snmf.workers.heartbeat-interval=500ms",
        "--snmf.workers.reaper-interval=1s"));
    processes.add(p);
    return p;
  }

  @Test
  void killedCollectionResumesAfterItsLastBatchAndEqualsAnUndisturbedOne() throws Exception {
    ServiceProcess first = start();
    Http http = new Http(first.port());
    String suffix = Long.toString(System.nanoTime(), 36);
    long model = http.post("/v1/models", "{\"name\":\"kill-collect-" + suffix + "\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    // two datasets of the same documents (a set is reused per dataset): one to interrupt, one undisturbed
    String tokens = tokenDocuments(50, 40);
    long[] datasets = new long[2];
    for (int i = 0; i < datasets.length; i++) {
      datasets[i] = http.post("/v1/datasets", "{\"name\":\"kill-collect-" + suffix + "-" + i + "\","
          + "\"kind\":\"tokens\",\"tokens\":" + tokens + "}").json().get("id").asLong();
    }
    long job = http.post("/v1/activations", collect(model, datasets[0])).json().get("id").asLong();
    Http firstHttp = http;
    long batchesAtKill = await("the collection past its second batch").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(20)).until(() -> batchesDone(firstHttp, job), n -> n >= 2);
    first.kill();

    ServiceProcess second = start();
    http = new Http(second.port());
    JsonNode resumed = Jobs.awaitSucceeded(http, job, Duration.ofMinutes(3));
    assertThat(resumed.get("attempts").asInt()).isEqualTo(2);
    // the cursor is written after the batch it counts, so it may be at most one batch behind what was reported
    assertThat(resumed.get("result").get("resumedAfterBatch").asLong()).isGreaterThanOrEqualTo(batchesAtKill);
    assertThat(Files.readString(second.log())).contains("Collection of job " + job + " resumed after batch");

    long undisturbed = http.post("/v1/activations", collect(model, datasets[1])).json().get("id").asLong();
    JsonNode reference = Jobs.awaitSucceeded(http, undisturbed, Duration.ofMinutes(2));
    assertThat(reference.get("attempts").asInt()).isEqualTo(1);
    assertThat(reference.get("result").get("resumedAfterBatch").asInt()).isZero();

    JsonNode expected = set(http, reference);
    JsonNode interrupted = set(http, resumed);
    assertSameBytes("activation file", Files.readAllBytes(Path.of(expected.get("matrixPath").asString())),
        Files.readAllBytes(Path.of(interrupted.get("matrixPath").asString())));
    assertSameBytes("token index", Files.readAllBytes(Path.of(expected.get("indexPath").asString())),
        Files.readAllBytes(Path.of(interrupted.get("indexPath").asString())));
    assertThat(Path.of(interrupted.get("matrixPath").asString()).resolveSibling("cursor")).doesNotExist();
  }

  /** Token ids of stories260K's vocabulary (512), BOS (1) left out, the same every run. */
  private static String tokenDocuments(int count, int length) {
    java.util.Random random = new java.util.Random(9);
    StringBuilder json = new StringBuilder("[");
    for (int d = 0; d < count; d++) {
      json.append(d == 0 ? "[" : ",[");
      for (int t = 0; t < length; t++) {
        json.append(t == 0 ? "" : ",").append(3 + random.nextInt(509));
      }
      json.append(']');
    }
    return json.append(']').toString();
  }

  private static String collect(long model, long dataset) {
    return "{\"modelId\":" + model + ",\"datasetId\":" + dataset + ",\"layers\":[" + LAYER + "],"
        + "\"contextLength\":16,\"batchSize\":1,\"shards\":1}";
  }

  /** Batches (of one window, 15 tokens) a running job has reported done; 0 while it has not reported any. */
  private static long batchesDone(Http http, long job) {
    JsonNode j = http.get("/v1/jobs/" + job).json();
    assertThat(j.get("status").asString()).as(j.toString()).isIn("QUEUED", "RUNNING");
    Matcher m = TOKENS.matcher(j.path("message").asString(""));
    return m.find() ? Long.parseLong(m.group(1).replace(",", "")) / 15 : 0;
  }

  private static JsonNode set(Http http, JsonNode job) {
    return http.get("/v1/activations/" + job.get("result").get("activationSets").get(LAYER).asLong()).json();
  }

  private static void assertSameBytes(String what, byte[] expected, byte[] actual) {
    int first = Arrays.mismatch(expected, actual);
    StringBuilder detail = new StringBuilder();
    // where float32 columns of d = 172 (layer 1 of stories260K) differ, to tell a shifted column from a changed value
    if (first >= 0 && expected.length == actual.length && what.equals("activation file")) {
      java.nio.FloatBuffer e = java.nio.ByteBuffer.wrap(expected).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      java.nio.FloatBuffer a = java.nio.ByteBuffer.wrap(actual).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      java.util.TreeSet<Integer> columns = new java.util.TreeSet<>();
      for (int i = ActivationFileHeader.SIZE / 4; i < e.limit(); i++) {
        if (e.get(i) != a.get(i)) {
          columns.add((i - ActivationFileHeader.SIZE / 4) / 172);
        }
      }
      detail.append(" columns differing: ").append(columns.size()).append(' ').append(columns.stream().limit(40).toList())
          .append(" e.g. ").append(e.get(first / 4)).append(" vs ").append(a.get(first / 4));
    }
    assertThat(first).as("%s: %d bytes expected, %d bytes read, first difference at byte %d%s", what,
        expected.length, actual.length, first, detail).isEqualTo(-1);
  }

}
