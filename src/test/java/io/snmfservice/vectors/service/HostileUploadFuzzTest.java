package io.snmfservice.vectors.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceProcess;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile vector-set uploads (#24) against a separate service process with a 1 GiB heap that exits on
 * OutOfMemoryError: the reported 1,140-byte .npy, then thousands of .npy, safetensors and SAE uploads mutated from
 * valid ones so that each is invalid. Every answer must be a 4xx problem document, the process must stay alive,
 * nothing may be stored, and the heap after a full GC (forced with {@code jcmd <pid> GC.run}, read from the
 * process's {@code jvm.memory.used{area=heap}} metric) must end within 10 % of where it was after warm-up.
 *
 * <p>The seed is logged; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.uploads=N} changes its length.
 */
@SlowTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileUploadFuzzTest {

  private static final Logger log = LoggerFactory.getLogger(HostileUploadFuzzTest.class);
  private static final int WARM_UP = 150;

  private ServiceProcess service;
  private Http http;
  private long model;
  private final Map<String, Integer> mutations = new TreeMap<>();

  @BeforeAll
  void startAServiceWithASmallHeap(@TempDir Path dataDir) {
    TestDatabase.Connection db = TestDatabase.createDatabase("hostile_uploads_" + System.nanoTime());
    service = ServiceProcess.start(db, dataDir, "service.log", List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError"),
        List.of());
    http = new Http(service.port());
    Http.Response registered = http.post("/v1/models", "{\"name\":\"hostile\",\"source\":\"local\","
        + "\"path\":\"../shared/models/fortunes-byte-gpt2\"}");
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    model = registered.json().get("id").asLong();
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.kill();
    }
  }

  @Test
  void theReportedOverflowingNpyIs422NamingTheShapeAndTheProcessLives() {
    HostileUploads.Upload attack = HostileUploads.reportedAttack();
    assertThat(attack.parts().get("file").getValue()).hasSize(1140);
    Http.Response r = send(attack, "attack");
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).contains("shape").contains("7378697629483820697");
    assertThat(service.isAlive()).as("the service survived, see " + service.log()).isTrue();
  }

  @Test
  void thousandsOfHostileUploadsAreRefusedWithoutStoringOrKeepingMemory() throws Exception {
    long seed = Long.getLong("fuzz.seed", 24_2026L);
    int uploads = Integer.getInteger("fuzz.uploads", 2_000);
    log.info("hostile upload fuzz: seed {} (replay with -Dfuzz.seed={}), {} uploads after {} warm-up", seed, seed,
        uploads, WARM_UP);
    // the originals are accepted, so what the mutations break is what makes them fail
    List<HostileUploads.Upload> originals = List.of(HostileUploads.validNpy(), HostileUploads.validSafetensors(),
        HostileUploads.validSae());
    for (int i = 0; i < originals.size(); i++) {
      Http.Response r = send(originals.get(i), "valid-" + i);
      assertThat(r.status()).as(originals.get(i).kind() + ": " + r.body()).isEqualTo(201);
    }
    long stored = storedSets();
    HostileUploads generator = new HostileUploads(seed);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < WARM_UP; i++) {
      refused(generator.next(), i, seed, statuses);
    }
    double heapBefore = heapAfterFullGc();
    long start = System.nanoTime();
    for (int i = WARM_UP; i < WARM_UP + uploads; i++) {
      refused(generator.next(), i, seed, statuses);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double heapAfter = heapAfterFullGc();
    log.info("hostile upload fuzz: {} uploads in {} s, statuses {}, heap after full GC {} MiB → {} MiB", uploads,
        String.format("%.1f", seconds), statuses, String.format("%.1f", heapBefore / (1 << 20)),
        String.format("%.1f", heapAfter / (1 << 20)));
    log.info("hostile upload fuzz: mutations {}", mutations);
    assertThat(storedSets()).as("nothing stored by a refused upload").isEqualTo(stored);
    assertThat(heapAfter).as("heap after full GC, before %.0f bytes", heapBefore).isLessThanOrEqualTo(heapBefore * 1.10);
    assertThat(service.isAlive()).isTrue();
  }

  private void refused(HostileUploads.Upload upload, int index, long seed, Map<Integer, Integer> statuses) {
    Http.Response r = send(upload, "h" + index);
    String which = "upload " + index + " of seed " + seed + " (" + upload.kind() + ", " + upload.mutation() + ")";
    assertThat(service.isAlive()).as(which + " killed the service, see " + service.log()).isTrue();
    assertThat(r.status()).as(which + ": " + r.body()).isBetween(400, 499);
    assertThat(r.contentType()).as(which + ": " + r.body()).startsWith("application/problem+json");
    statuses.merge(r.status(), 1, Integer::sum);
    String[] words = upload.mutation().split(" ");
    mutations.merge(words[0] + " " + words[1], 1, Integer::sum);
  }

  private Http.Response send(HostileUploads.Upload upload, String name) {
    Map<String, String> fields = new LinkedHashMap<>(upload.fields());
    fields.put("modelId", Long.toString(model));
    fields.put("name", "fuzz-" + name);
    return http.uploadParts("/v1/vector-sets", upload.parts(), fields);
  }

  private long storedSets() {
    return http.get("/v1/vector-sets?modelId=" + model).json().get("total").asLong();
  }

  /** Heap in use after two full collections forced through the JDK's jcmd (the process's own metric). */
  private double heapAfterFullGc() throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    for (int i = 0; i < 2; i++) {
      Process gc = new ProcessBuilder(jcmd, Long.toString(service.pid()), "GC.run").redirectErrorStream(true).start();
      String out = new String(gc.getInputStream().readAllBytes());
      assertThat(gc.waitFor()).as("jcmd GC.run: " + out).isZero();
    }
    return http.get("/actuator/metrics/jvm.memory.used?tag=area:heap").json().get("measurements").get(0).get("value")
        .asDouble();
  }
}
