package io.snmfservice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.snmfservice.jobs.JobWatch;
import io.snmfservice.support.Http;
import io.snmfservice.support.IsolatedDatabaseInitializer;
import io.snmfservice.support.SlowTest;
import io.snmfservice.vectors.SaeFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Bursts from one caller against the real service and the fortunes GPT-2 with its SAE: synchronous encodes, the
 * dashboard and event streams are refused with 429 + Retry-After beyond their permits and buckets, never queued,
 * while health keeps answering; streams share one poll per replica. No workers run, so jobs stay queued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "snmf.workers.threads=0",
    "snmf.security.quota.burst=30",
    "snmf.security.quota.requests-per-second=10",
    "snmf.limits.compute-concurrency=2",
    "snmf.limits.streams-per-key=4",
    "snmf.limits.streams-per-replica=20",
    "snmf.limits.stream-idle-timeout=10s"})
@SlowTest
@ContextConfiguration(initializers = IsolatedDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadLimitsTest {

  /** About 200 byte tokens: each encode is a forward pass plus 200 SAE encodes, long enough to overlap. */
  private static final String TEXT = "A journey of a thousand miles begins with a single step, and the wise man"
      + " knows that the road is long; fortune favours the bold, but patience is a virtue that few possess. ";

  @Value("${local.server.port}")
  int port;

  @Autowired CallerPermits permits;
  @Autowired JobWatch watch;

  Http admin;
  long model;
  long sae;
  final ExecutorService pool = Executors.newFixedThreadPool(64);
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();

  @BeforeAll
  void importTheSae() throws IOException {
    admin = new Http(port);
    model = admin.post("/v1/models", "{\"name\":\"limits\",\"source\":\"local\","
        + "\"path\":\"../shared/models/fortunes-byte-gpt2\"}").json().get("id").asLong();
    Http.Response r = admin.uploadParts("/v1/vector-sets",
        Map.of("cfg", Map.entry("cfg.json", SaeFixture.cfg().getBytes(StandardCharsets.UTF_8)),
            "weights", Map.entry("sae_weights.safetensors", Files.readAllBytes(SaeFixture.WEIGHTS))),
        Map.of("modelId", Long.toString(model), "name", "limits-sae", "kind", "sae"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    sae = r.json().get("id").asLong();
  }

  @AfterAll
  void stop() {
    pool.shutdownNow();
  }

  private String key(String name, String role) {
    return admin.post("/v1/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}").json().get("key")
        .asString();
  }

  @Test
  @Order(1)
  void fiftyParallelEncodesRunAtMostThePermitsAtOnceTheRestGet429() throws Exception {
    String submitter = key("encoder", "submitter");
    List<HttpResponse<String>> byKey;
    try (Health health = new Health()) {
      byKey = burst(50, () -> post("/v1/vector-sets/" + sae + "/encode", submitter,
          "{\"text\":\"" + TEXT + "\",\"top\":5}"));
      health.assertAnsweredWithinASecond("while encoding");
    }
    assertThat(permits.peakComputing()).as("the key's one permit (steer-concurrency)").isLessThanOrEqualTo(1);
    assertRefusedOrOk(byKey, "API key 'encoder' already has 1 synchronous computation");

    List<HttpResponse<String>> byAdmins; // exempt from the key's permits, not from the replica's
    try (Health health = new Health()) {
      byAdmins = burst(50, () -> post("/v1/vector-sets/" + sae + "/encode", io.snmfservice.support.TestKeys.ADMIN,
          "{\"text\":\"" + TEXT + "\",\"top\":5}"));
      health.assertAnsweredWithinASecond("while encoding");
    }
    assertThat(permits.peakComputing()).as("the replica's 2 permits").isLessThanOrEqualTo(2);
    assertRefusedOrOk(byAdmins, "this replica");
    assertThat(permits.openStreams()).isZero();
  }

  @Test
  @Order(2)
  void aSignedInDashboardSessionIsRateLimitedLikeItsKey() throws Exception {
    HttpClient browser = signIn("dashboard");
    assertThat(browser.send(get("/ui/jobs").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    List<HttpResponse<String>> pages;
    long start = System.nanoTime();
    try (Health health = new Health()) {
      pages = burst(150, () -> browser.sendAsync(get("/ui/jobs").build(), HttpResponse.BodyHandlers.ofString()));
      health.assertAnsweredWithinASecond("during the burst");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertRefusedOrOk(pages, "API key 'dashboard'");
    assertThat(pages.stream().filter(p -> p.statusCode() == 200).count()).as("the bucket of 30 (less the warm-up), 10/s refill")
        .isBetween(29L, 30L + (long) (10 * seconds));

    // without a session: a bucket per client address (the login form cannot be hammered either)
    List<HttpResponse<String>> anonymous = burst(150, () -> client.sendAsync(get("/ui/login").build(),
        HttpResponse.BodyHandlers.ofString()));
    assertRefusedOrOk(anonymous, "client 127.0.0.1");
  }

  @Test
  @Order(3)
  void fiveHundredStreamsAreCappedPerKeyAndPerReplicaAndShareOnePoll() throws Exception {
    long[] jobs = {queuedJob("a"), queuedJob("b")};
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      keys.add(key("streams-" + i, "reader"));
    }
    List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    try (Health health = new Health()) {
      // one key first: its 4 streams, then 46 refusals naming it
      openStreams(keys.get(0), jobs, 50, open, refusals);
      assertThat(open).hasSize(4);
      assertThat(refusals).hasSize(46).allMatch(r -> r.contains("Retry-After") && r.contains("streams-0"));
      refusals.clear();
      List<Future<?>> rest = new ArrayList<>();
      for (String key : keys.subList(1, keys.size())) {
        rest.add(pool.submit(() -> openStreams(key, jobs, 50, open, refusals)));
      }
      for (Future<?> f : rest) {
        f.get();
      }
      health.assertAnsweredWithinASecond("while 500 streams are asked for");
    }
    assertThat(open).as("the replica's 20").hasSize(20);
    assertThat(refusals).hasSize(450 - 16).allMatch(r -> r.startsWith("HTTP/1.1 429") && r.contains("Retry-After"));
    assertThat(refusals).anyMatch(r -> r.contains("this replica"));
    assertThat(permits.openStreams()).isEqualTo(20);

    long polls = watch.polls();
    long queries = watch.queries();
    awaitPolls(polls + 4);
    assertQueriesPerPoll(1, polls, queries, "one query per poll for 20 streams on 2 jobs");

    for (Socket socket : open) {
      socket.close(); // unnoticed by the server until it writes: the idle timeout (10 s) ends them
    }
    await("idle streams to be closed and their permits returned").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200)).until(permits::openStreams, n -> n == 0);
  }

  @Test
  @Order(4)
  void costParametersOverTheirBoundsAre422NamingTheField() {
    Http http = new Http(port, key("bounds", "submitter"));
    assertNamed(http.post("/v1/vector-sets/" + sae + "/encode", "{\"text\":\"hi\",\"top\":101}"), "top");
    int[] tokens = new int[257];
    assertNamed(http.post("/v1/vector-sets/" + sae + "/encode", "{\"tokens\":" + java.util.Arrays.toString(tokens)
        + "}"), "tokens");
    assertNamed(http.post("/v1/vector-sets/" + sae + "/encode", "{\"text\":\"" + "x".repeat(4001) + "\"}"), "text");
    assertNamed(http.post("/v1/vector-sets/" + sae + "/encode", "{\"text\":\"" + "x".repeat(300) + "\"}"), "text");
    assertNamed(http.post("/v1/steer", "{\"modelId\":" + model + ",\"member\":{\"vectorSetId\":" + sae
        + ",\"index\":0},\"prompt\":\"Once\",\"alpha\":1,\"newTokens\":65}"), "newTokens");
    assertNamed(http.post("/v1/steer", "{\"modelId\":" + model + ",\"member\":{\"vectorSetId\":" + sae
        + ",\"index\":0},\"prompt\":\"" + "x".repeat(2001) + "\",\"alpha\":1}"), "prompt");
  }

  @Test
  @Order(5)
  void theDashboardsLiveFragmentsComeFromTheSamePoll() throws Exception {
    HttpClient browser = signIn("live");
    long job = queuedJob("live");
    try (java.io.InputStream list = stream(browser, "/ui/jobs/events");
        java.io.InputStream progress = stream(browser, "/ui/jobs/" + job + "/events")) {
      assertThat(firstEvent(list)).isEqualTo("jobs");
      assertThat(firstEvent(progress)).isEqualTo("progress");
      long polls = watch.polls();
      long queries = watch.queries();
      awaitPolls(polls + 3);
      assertQueriesPerPoll(2, polls, queries, "the watched job, and the job table's version for the list");
    }
  }

  /** Until the job watch has polled {@code count} times in all (it polls every 500 ms). */
  private void awaitPolls(long count) {
    await("job watch polls").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(watch::polls, n -> n >= count);
  }

  /** {@code perPoll} queries per poll since the counts given, give or take the poll running as they were read. */
  private void assertQueriesPerPoll(long perPoll, long pollsBefore, long queriesBefore, String why) {
    long polls = watch.polls() - pollsBefore;
    long queries = watch.queries() - queriesBefore;
    assertThat(polls).as("a poll every 500 ms").isGreaterThanOrEqualTo(2);
    assertThat(queries).as(why + " (%d polls)", polls).isBetween(perPoll * (polls - 1), perPoll * (polls + 1));
  }

  private HttpClient signIn(String name) throws IOException, InterruptedException {
    HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
        .cookieHandler(new CookieManager()).build();
    String login = browser.send(get("/ui/login").build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(login);
    assertThat(csrf.find()).as(login).isTrue();
    HttpResponse<String> signedIn = browser.send(get("/ui/login")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=x&key="
            + URLEncoder.encode(key(name, "reader"), StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(302);
    assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
    return browser;
  }

  private java.io.InputStream stream(HttpClient browser, String path) throws IOException, InterruptedException {
    HttpResponse<java.io.InputStream> r = browser.send(get(path).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static String firstEvent(java.io.InputStream body) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("event:")) {
        return line.substring(6).strip();
      }
    }
    return null;
  }

  private static void assertNamed(Http.Response r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.json().get("detail").asString()).startsWith(field + ":");
  }

  private long queuedJob(String name) {
    return admin.post("/v1/datasets", "{\"name\":\"limits-" + name + "\",\"kind\":\"model-samples\",\"modelId\":"
        + model + ",\"count\":10,\"length\":8}").json().get("id").asLong();
  }

  /**
   * Opens {@code n} raw event-stream connections; an accepted one is kept once its first event arrived, a refused
   * one is recorded as its status line and headers, then closed.
   */
  private void openStreams(String key, long[] jobs, int n, List<Socket> open, List<String> refusals) {
    for (int i = 0; i < n; i++) {
      try {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /v1/jobs/" + jobs[i % 2] + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
            + "\r\nAuthorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String status = in.readLine();
        if (status.startsWith("HTTP/1.1 200")) {
          for (String line = in.readLine(); !line.startsWith("event:progress"); line = in.readLine()) {
            // headers, then the chunked stream up to the first event
          }
          open.add(socket);
        } else {
          StringBuilder response = new StringBuilder(status);
          for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            response.append('\n').append(line);
          }
          char[] body = new char[2000];
          int read = in.read(body);
          refusals.add(response.append("\n\n").append(body, 0, Math.max(0, read)).toString());
          socket.close();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
  }

  private CompletableFuture<HttpResponse<String>> post(String path, String key, String json) {
    return client.sendAsync(get(path).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code n} requests at once. */
  private static List<HttpResponse<String>> burst(int n,
      Supplier<CompletableFuture<HttpResponse<String>>> request) {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(request.get());
    }
    return sent.stream().map(CompletableFuture::join).toList();
  }

  /** Each answer is 200 or a 429 problem with Retry-After naming who is over; some are each. */
  private static void assertRefusedOrOk(List<HttpResponse<String>> responses, String who) {
    assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isIn(200, 429));
    List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(refused).as("some refused").isNotEmpty();
    assertThat(responses).as("some served").anyMatch(r -> r.statusCode() == 200);
    assertThat(refused).allSatisfy(r -> {
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    });
    assertThat(refused).anyMatch(r -> r.body().contains(who));
  }

  /** Asks for {@code /actuator/health} every 100 ms in the background and keeps the slowest answer's time. */
  private final class Health implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong slowestNanos = new AtomicLong();
    private final Thread thread = new Thread(() -> {
      while (running.get()) {
        long start = System.nanoTime();
        try {
          HttpResponse<Void> r = HttpClient.newHttpClient().send(get("/actuator/health").build(),
              HttpResponse.BodyHandlers.discarding());
          slowestNanos.accumulateAndGet(r.statusCode() == 200 ? System.nanoTime() - start : Long.MAX_VALUE, Math::max);
          Thread.sleep(100); // the pace of the asking, not a wait for something
        } catch (IOException | InterruptedException e) {
          slowestNanos.set(Long.MAX_VALUE);
          return;
        }
      }
    });

    private final Duration quiet;

    Health() throws InterruptedException {
      thread.setDaemon(true);
      thread.start();
      Thread.sleep(1000); // the quiet second is a measuring window, not a wait for something
      quiet = slowest();
      slowestNanos.set(0);
    }

    Duration slowest() {
      return Duration.ofNanos(slowestNanos.get());
    }

    /**
     * The slowest answer took less than 1 s more than the slowest of a quiet second just before: the build
     * machine is shared, and what its other users cost is not this service's doing.
     */
    void assertAnsweredWithinASecond(String during) {
      assertThat(slowest()).as("health " + during + " (quiet: " + quiet.toMillis() + " ms)")
          .isLessThan(Duration.ofSeconds(1).plus(quiet));
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
