package io.snmfservice.features.read.bench;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.features.read.PreparedReadWriter;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.StoredFactorizations;
import io.snmfservice.support.TestDatabase;
import io.snmfservice.support.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Read load on loopback: a factorization of 10,000 features (10 top inputs and 20 vocabulary tokens each, written
 * with SQL), then an open-loop request stream at fixed rates over feature list, feature detail, top inputs and
 * search ({@link OpenLoopClient}, in a JVM of its own), a closed-loop saturation run, the same reads from wrk, and
 * {@code pgbench -S} on the same PostgreSQL. Prints markdown tables and the query
 * plans. Arguments: [seconds per rate (15)] [rates, comma-separated (50,200,500)] [{@code open}: the open-loop
 * rates only; {@code cold}: the reads prepared at write time, every request a first read ({@link #coldReads});
 * {@code busy}: the open-loop rates while the service's worker runs two factorizations ({@link #busyReads})].
 */
public final class ReadLoadBenchmark {

  private static final int FEATURES = 10_000;
  private static final String LIVENESS = "/actuator/health/liveness";

  private ReadLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    String rates = args.length > 1 ? args[1] : "50,200,500";
    TestDatabase.Connection db = TestDatabase.createDatabase("readload_" + System.nanoTime());
    String mode = args.length > 2 ? args[2] : "";
    try (ConfigurableApplicationContext service = new SpringApplicationBuilder(SnmfServiceApplication.class)
        .profiles("test").run("--server.port=0", "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
            "--snmf.data-dir=" + Files.createTempDirectory("readload"), "--snmf.workers.threads=" + (mode.equals("busy") ? 2 : 0),
            "--logging.level.root=warn", "--logging.level.io.snmfservice=warn")) {
      int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
      JdbcClient jdbc = service.getBean(JdbcClient.class);
      long factorization = seed(jdbc);
      boolean cold = mode.equals("cold");
      if (cold) {
        long t0 = System.nanoTime();
        service.getBean(TransactionTemplate.class).executeWithoutResult(
            t -> service.getBean(PreparedReadWriter.class).prepare(factorization));
        jdbc.sql("VACUUM ANALYZE").update();
        System.out.printf("prepared the reads of %d features in %.1f s%n", FEATURES, (System.nanoTime() - t0) / 1e9);
      }
      List<String> paths = paths(jdbc, factorization);
      HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(32)).build();
      System.out.println(jdbc.sql("SELECT version()").query(String.class).single());
      System.out.println("load average before: " + loadAverage());
      if (cold) {
        coldReads(http, port, db, paths, seconds);
        System.out.println("load average after: " + loadAverage());
        cacheCounts(service.getBean(MeterRegistry.class));
        System.exit(0);
      }
      warmUp(http, port, paths);
      if (mode.equals("busy")) {
        busyReads(port, paths, rates, seconds);
        System.out.println("load average after: " + loadAverage());
        System.exit(0);
      }
      perEndpoint(http, port, paths);
      System.out.println("| rate (rps) | sent | ok | p50 ms | p90 ms | p99 ms | max ms | p99 ms per read |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      openLoop(port, paths, rates, seconds);
      // the same client and rate on the serving stack alone (no query): the tail that is not the reads'
      openLoop(port, List.of(LIVENESS), "200", seconds);
      if (!mode.equals("open")) {
        closedLoop(http, port, paths, 16, seconds);
        wrk("same mix", port, paths, 16, seconds);
        for (String read : List.of("/features?", "/features/search?", "/top-inputs")) {
          wrk("only " + read, port, paths.stream().filter(p -> p.contains(read)).toList(), 16, seconds);
        }
        wrk("only feature detail", port, paths.stream().filter(p -> p.matches("/v1/features/\\d+")).toList(), 16,
            seconds);
        // the serving stack alone (HTTP, key check, filters, no query): the ceiling for any read
        wrk("ceiling: GET " + LIVENESS, port, List.of(LIVENESS), 16, seconds);
        pgbench(db, seconds);
        explain(jdbc, factorization);
      }
      System.out.println("load average after: " + loadAverage());
      cacheCounts(service.getBean(MeterRegistry.class));
    }
    System.exit(0);
  }

  /**
   * Reads beside heavy jobs: two factorizations of stories260K's layer 1 (2,000 sampled documents, K 64, long enough
   * to outlast the reads) on the service's two worker threads under its compute budget (one heavy stage at a time:
   * one factorizes, the other waits for compute), then the open-loop rates over the feature reads and the
   * liveness probe alone, and the jobs' progress after.
   */
  private static void busyReads(int port, List<String> paths, String rates, int seconds) throws Exception {
    Http api = new Http(port);
    long model = api.post("/v1/models", "{\"name\":\"busy\",\"source\":\"llama2c\","
        + "\"path\":\"../shared/models/stories260K/stories260K.bin\"}").json().get("id").asLong();
    long sampling = api.post("/v1/datasets", "{\"name\":\"busy\",\"kind\":\"model-samples\",\"modelId\":" + model
        + ",\"count\":2000,\"length\":31,\"seed\":1}").json().get("id").asLong();
    long dataset = Jobs.awaitSucceeded(api, sampling, Duration.ofMinutes(5)).get("result").get("datasetId").asLong();
    List<Long> jobs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      jobs.add(api.post("/v1/factorizations", "{\"modelId\":" + model + ",\"datasetId\":" + dataset
          + ",\"layer\":1,\"k\":64,\"maxIterations\":5000,\"patience\":5000,\"seed\":" + i + "}")
          .json().get("id").asLong());
    }
    for (long job : jobs) {
      Jobs.await(api, job, "running", j -> "RUNNING".equals(j.get("status").asString()), Duration.ofMinutes(5));
    }
    Jobs.await(api, jobs.get(0), "iterating", j -> Jobs.iteration(j) > 0 || Jobs.iteration(api.get("/v1/jobs/"
        + jobs.get(1)).json()) > 0, Duration.ofMinutes(5));
    System.out.println("load average with both jobs running: " + loadAverage());
    System.out.println("| rate (rps) | sent | ok | p50 ms | p90 ms | p99 ms | max ms | p99 ms per read |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    openLoop(port, paths, rates, seconds);
    openLoop(port, List.of(LIVENESS), rates, seconds);
    for (long job : jobs) {
      JsonNode view = api.get("/v1/jobs/" + job).json();
      System.out.printf("job %d after the reads: %s, %s%n", job, view.get("status").asString(),
          view.get("message").asString(""));
    }
  }

  /**
   * Cold reads: every request asks for a path never asked before (a nonce in its query, which the reads ignore and
   * the response cache keys by), so with the cache on each one is a miss that fills it, as a first read is. The
   * warm-up (JIT) reads other nonces. The mix and each read from wrk, then pgbench -S, then the open loop at 200 rps
   * and the liveness probe at the same rate.
   */
  private static void coldReads(HttpClient http, int port, TestDatabase.Connection db, List<String> paths,
      int seconds) throws Exception {
    List<String> warm = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      warm.add(nonce(paths.get(i % paths.size()), "w" + i));
    }
    warmUp(http, port, warm);
    wrk("warm-up, not measured", port, paths, 16, seconds, "warm");
    for (String read : List.of("/features?", "/features/search?", "/top-inputs")) {
      wrk("cold, only " + read, port, paths.stream().filter(p -> p.contains(read)).toList(), 16, seconds, read);
    }
    wrk("cold, only feature detail", port, paths.stream().filter(p -> p.matches("/v1/features/\\d+")).toList(), 16,
        seconds, "detail");
    wrk("ceiling: GET " + LIVENESS, port, List.of(LIVENESS), 16, seconds, null);
    wrk("cold mix", port, paths, 16, seconds, "mix");
    pgbench(db, seconds);
    List<String> open = new ArrayList<>();
    for (int i = 0; i < 200 * (seconds + 12); i++) {
      open.add(nonce(paths.get(i % paths.size()), "o" + i));
    }
    System.out.println("| rate (rps) | sent | ok | p50 ms | p90 ms | p99 ms | max ms | p99 ms per read |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    openLoop(port, open, "200", seconds);
    openLoop(port, List.of(LIVENESS), "200", seconds);
  }

  private static String nonce(String path, String nonce) {
    return path + (path.contains("?") ? "&" : "?") + "n=" + nonce;
  }

  /** One factorization with {@value FEATURES} features at d = 64; returns its id. */
  private static long seed(JdbcClient jdbc) {
    long f = StoredFactorizations.insert(jdbc, 64, FEATURES);
    jdbc.sql("INSERT INTO feature (factorization_id, level, index, direction, frequency, mean_activation,"
        + " max_activation, histogram) SELECT ?, 0, i, array_fill(0.125::real, ARRAY[64]), random(), random(),"
        + " 1 + random(), '{\"edges\":[0,1],\"counts\":[1]}' FROM generate_series(0, ? - 1) i")
        .params(f, FEATURES).update();
    jdbc.sql("INSERT INTO feature_top_input (feature_id, rank, document, position, token_id, token_text, activation,"
        + " context_start, context_token_ids, context_tokens, context_activations, context_text)"
        + " SELECT ft.id, r, (ft.index * 7 + r) % 1000, r, (ft.index * 13 + r) % 5000, 'tok' || ((ft.index * 13 + r) % 5000),"
        + " 1.0 / (r + 1), 0, ARRAY[1,2,3], ARRAY['a','b','c'], ARRAY[0.1,0.2,0.3]::real[],"
        + " 'context of word' || ((ft.index * 13 + r) % 5000)"
        + " FROM feature ft, generate_series(0, 9) r WHERE ft.factorization_id = ?").param(f).update();
    jdbc.sql("INSERT INTO feature_vocab (feature_id, sign, rank, token_id, token_text, value)"
        + " SELECT ft.id, s, r, (ft.index * 17 + r) % 5000, 'tok' || ((ft.index * 17 + r) % 5000), s * (1.0 / (r + 1))"
        + " FROM feature ft, generate_series(0, 9) r, (VALUES (1), (-1)) AS signs(s) WHERE ft.factorization_id = ?")
        .param(f).update();
    jdbc.sql("UPDATE feature f SET promoted_tokens = p.tokens FROM (SELECT feature_id, array_agg(token_text ORDER BY"
        + " rank) AS tokens FROM feature_vocab WHERE sign = 1 AND rank < 5 GROUP BY feature_id) p"
        + " WHERE p.feature_id = f.id").update();
    jdbc.sql("SELECT store_feature_ranks(?)").param(f).query().listOfRows();
    // written once, then read: by the time anyone reads, autovacuum has set the visibility map that index-only
    // scans of the list pages rely on; the benchmark does not wait for it
    jdbc.sql("VACUUM ANALYZE").update();
    return f;
  }

  /** A shuffled mix of the four reads, over random features. */
  private static List<String> paths(JdbcClient jdbc, long factorization) {
    List<Long> ids = jdbc.sql("SELECT id FROM feature WHERE factorization_id = ?").param(factorization)
        .query(Long.class).list();
    Random random = new Random(7);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      long id = ids.get(random.nextInt(ids.size()));
      paths.add(switch (i % 4) {
        case 0 -> "/v1/factorizations/" + factorization + "/features?sort=frequency&order=desc&size=50&page="
            + random.nextInt(200);
        case 1 -> "/v1/features/" + id;
        case 2 -> "/v1/features/" + id + "/top-inputs";
        default -> "/v1/factorizations/" + factorization + "/features/search?token=tok" + random.nextInt(5000);
      });
    }
    Collections.shuffle(paths, random);
    return paths;
  }

  /** How many reads the feature response cache answered (off with -Dsnmf.response-cache.max-bytes=0). */
  private static void cacheCounts(MeterRegistry meters) {
    System.out.printf("feature response cache: %.0f hits, %.0f misses%n", cacheGets(meters, "hit"),
        cacheGets(meters, "miss"));
  }

  private static double cacheGets(MeterRegistry meters, String result) {
    FunctionCounter c = meters.find("cache.gets").tag("cache", "feature-responses").tag("result", result)
        .functionCounter();
    return c == null ? 0 : c.count();
  }

  private static String loadAverage() {
    try {
      return Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + TestKeys.ADMIN).timeout(Duration.ofSeconds(30)).build();
  }

  private static void warmUp(HttpClient http, int port, List<String> paths) throws Exception {
    for (int i = 0; i < 2000; i++) {
      http.send(request(port, paths.get(i % paths.size())), HttpResponse.BodyHandlers.discarding());
    }
  }

  /** Median latency of each read alone, one request at a time. */
  private static void perEndpoint(HttpClient http, int port, List<String> paths) throws Exception {
    System.out.println("| read (one at a time) | median ms | p99 ms |");
    System.out.println("|---|---|---|");
    String[] kinds = {"/features?", "/top-inputs", "/features/search", "/v1/features/"};
    String[] names = {"feature list page", "top inputs", "search by token", "feature detail"};
    for (int k = 0; k < kinds.length; k++) {
      List<Long> times = new ArrayList<>();
      for (String path : paths) {
        boolean match = k == 3 ? path.startsWith(kinds[3]) && !path.endsWith("/top-inputs") : path.contains(kinds[k]);
        if (match && times.size() < 100) {
          long t0 = System.nanoTime();
          http.send(request(port, path), HttpResponse.BodyHandlers.discarding());
          times.add(System.nanoTime() - t0);
        }
      }
      Collections.sort(times);
      System.out.printf("| %s | %.1f | %.1f |%n", names[k], OpenLoopClient.ms(times, 0.5),
          OpenLoopClient.ms(times, 0.99));
    }
    System.out.println();
  }

  /** The rates from {@link OpenLoopClient}, in a JVM of its own with this one's class path. */
  private static void openLoop(int port, List<String> paths, String rates, int seconds) throws Exception {
    java.nio.file.Path list = Files.createTempFile("readload-paths", ".txt");
    Files.write(list, paths);
    String java = ProcessHandle.current().info().command().orElse("java");
    String out = run(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), OpenLoopClient.class.getName(),
        Integer.toString(port), Integer.toString(seconds), rates, list.toString());
    Files.delete(list);
    out.lines().filter(l -> l.startsWith("|")).forEach(System.out::println);
  }

  private static void closedLoop(HttpClient http, int port, List<String> paths, int clients, int seconds)
      throws InterruptedException {
    AtomicInteger completed = new AtomicInteger();
    var os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int offset = c * 97;
      Thread t = new Thread(() -> {
        int i = offset;
        while (System.nanoTime() < end) {
          try {
            http.send(request(port, paths.get(i++ % paths.size())), HttpResponse.BodyHandlers.discarding());
            completed.incrementAndGet();
          } catch (Exception e) {
            return;
          }
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf("%nSaturation (%d closed-loop clients, %d s): %.0f requests/s, JVM CPU (service and load"
        + " generator) %.2f ms per request%n", clients, seconds, completed.get() / (double) seconds,
        (os.getProcessCpuTime() - cpu0) / 1e6 / completed.get());
  }

  /**
   * The same mix from wrk (when installed), 16 connections on 2 threads like pgbench below: the load generator is
   * then not in the service's JVM, so the JVM's CPU per request is the service's own.
   */
  private static void wrk(String label, int port, List<String> paths, int connections, int seconds) throws Exception {
    wrk(label, port, paths, connections, seconds, null);
  }

  /** With a nonce prefix: every request's path gets a query parameter no other request had (see coldReads). */
  private static void wrk(String label, int port, List<String> paths, int connections, int seconds, String unique)
      throws Exception {
    if (!new java.io.File("/usr/bin/wrk").canExecute()) {
      System.out.println("wrk: not installed (apt-get install wrk), skipped");
      return;
    }
    StringBuilder lua = new StringBuilder("local paths = {\n");
    for (String path : paths) {
      lua.append("  \"").append(path).append("\",\n");
    }
    lua.append("}\nlocal i = 0\nlocal threads = 0\n")
        .append("function setup(thread)\n  threads = threads + 1\n  thread:set(\"id\", threads)\nend\n")
        .append("request = function()\n  i = i + 1\n  local path = paths[(i % #paths) + 1]\n");
    if (unique != null) {
      String prefix = unique.replaceAll("[^a-z]", "");
      lua.append("  if string.find(path, \"?\", 1, true) then path = path .. \"&\" else path = path .. \"?\" end\n")
          .append("  path = path .. \"n=").append(prefix).append("_\" .. id .. \"_\" .. i\n");
    }
    lua.append("  return wrk.format(\"GET\", path, {[\"Authorization\"] = \"Bearer ")
        .append(TestKeys.ADMIN).append("\"})\nend\n");
    java.nio.file.Path script = Files.createTempFile("readload", ".lua");
    Files.writeString(script, lua);
    var os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    String out = run("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s", script.toString(),
        "http://127.0.0.1:" + port);
    long cpu = os.getProcessCpuTime() - cpu0;
    Files.delete(script);
    System.out.println("\nwrk -t2 -c" + connections + " -d" + seconds + "s (" + label + "):");
    out.lines().forEach(l -> System.out.println("    " + l));
    out.lines().filter(l -> l.startsWith("Requests/sec:")).findFirst().ifPresent(l -> {
      double rps = Double.parseDouble(l.substring("Requests/sec:".length()).trim());
      System.out.printf("wrk saturation (%s): %.0f requests/s, service JVM CPU %.3f ms per request%n", label, rps,
          cpu / 1e6 / (rps * seconds));
    });
  }

  /** pgbench -S (select-only) on the same server, in a scratch database. */
  private static void pgbench(TestDatabase.Connection db, int seconds) throws Exception {
    TestDatabase.Connection scratch = TestDatabase.createDatabase("pgbench_" + System.nanoTime());
    String hostPort = scratch.url().replaceFirst("jdbc:postgresql://([^/]+)/.*", "$1");
    String host = hostPort.substring(0, hostPort.indexOf(':'));
    String port = hostPort.substring(hostPort.indexOf(':') + 1);
    String name = scratch.url().replaceFirst(".*/([^/?]+).*", "$1");
    // a container's database asks for its password; without it pgbench fails at once and prints no tps
    Map<String, String> password = Map.of("PGPASSWORD", scratch.password());
    run(password, "pgbench", "-i", "-s", "10", "-q", "-h", host, "-p", port, "-U", scratch.username(), name);
    String out = run(password, "pgbench", "-S", "-c", "16", "-j", "2", "-T", Integer.toString(seconds), "-h", host,
        "-p", port, "-U", scratch.username(), name);
    if (out.lines().noneMatch(l -> l.startsWith("tps"))) {
      throw new IllegalStateException("pgbench -S gave no tps, so no share of it can be given:\n" + out);
    }
    out.lines().filter(l -> l.startsWith("tps") || l.contains("latency average")).forEach(l ->
        System.out.println("pgbench -S -c 16: " + l));
  }

  private static String run(String... command) throws Exception {
    return run(Map.of(), command);
  }

  private static String run(Map<String, String> environment, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  private static void explain(JdbcClient jdbc, long factorization) {
    String summary = "f.id, f.level, f.index, f.frequency, f.promoted_tokens AS promoted,"
        + " (SELECT d.description FROM feature_description d WHERE d.feature_id = f.id) AS description";
    print(jdbc, "search by token 'tok42' (page 1 of 20 and the total, as FeatureQueries.searchPage runs it)",
        "EXPLAIN ANALYZE WITH scored AS MATERIALIZED (SELECT f.id, f.level, f.index, CASE WHEN h.matching IS NULL"
            + " THEN 0 ELSE coalesce(h.matching / nullif((SELECT sum(t.activation) FROM feature_top_input t"
            + " WHERE t.feature_id = f.id), 0), 0) END + CASE WHEN h.promoted THEN 0.5 ELSE 0 END AS score"
            + " FROM (SELECT id, sum(activation), bool_or(promoted) FROM (SELECT t.feature_id, t.activation, false"
            + " FROM feature_top_input t WHERE lower(btrim(t.token_text)) = 'tok42' UNION ALL SELECT v.feature_id,"
            + " NULL::real, true FROM feature_vocab v WHERE v.sign = 1 AND lower(btrim(v.token_text)) = 'tok42')"
            + " hit (id, activation, promoted) GROUP BY id) h (id, matching, promoted) JOIN feature f"
            + " ON f.id = h.id WHERE f.factorization_id = ?),"
            + " page AS (SELECT s.id, s.level, s.index, s.score, count(*) OVER () AS total FROM scored s"
            + " WHERE s.score > 0 ORDER BY s.score DESC, s.level, s.index OFFSET 0 LIMIT 20)"
            + " SELECT " + summary + ", p.total FROM page p JOIN feature f ON f.id = p.id"
            + " ORDER BY p.score DESC, p.level, p.index", factorization);
    print(jdbc, "feature list, page 100 of 50 by frequency, descending (as FeatureQueries.features runs it)",
        "EXPLAIN ANALYZE SELECT " + summary + " FROM feature_rank r JOIN feature f ON f.id = r.feature_id"
            + " WHERE r.factorization_id = ? AND r.level = 0 AND r.sort_key = 'frequency' AND r.descending"
            + " AND r.rank >= 5000 AND r.rank < 5050 ORDER BY r.rank", factorization);
  }

  private static void print(JdbcClient jdbc, String title, String sql, long factorization) {
    System.out.println("\nEXPLAIN ANALYZE, " + title + ":");
    jdbc.sql(sql).param(factorization).query(String.class).list().forEach(l -> System.out.println("    " + l));
  }
}
