package io.snmfservice.features.read.bench;

import io.snmfservice.support.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open-loop load of {@link ReadLoadBenchmark} in a JVM of its own, so that the client's threads, JIT and garbage
 * are not the service's (they share the cores, as wrk and pgbench do). Requests leave at a fixed rate, each
 * request's latency counted from its scheduled start (a slow server cannot hide queueing). It first runs 10 s at the
 * first rate unmeasured, its own warm-up (JIT), then each rate in turn. Prints a markdown row per rate: overall
 * percentiles, then p99 per read. Arguments: port, seconds per rate, rates (comma-separated), a file with one path
 * per line.
 */
public final class OpenLoopClient {

  private OpenLoopClient() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    List<Integer> rates = Arrays.stream(args[2].split(",")).map(r -> Integer.parseInt(r.trim())).toList();
    List<String> paths = Files.readAllLines(Path.of(args[3]));
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(32)).build();
    run(http, port, paths, rates.get(0), 10);
    for (int rate : rates) {
      print(rate, seconds, run(http, port, paths, rate, seconds));
    }
    System.exit(0);
  }

  private static void print(int rate, int seconds, Result r) {
    List<Long> all = new ArrayList<>();
    StringBuilder perRead = new StringBuilder();
    for (Map.Entry<String, List<Long>> read : r.latencies().entrySet()) {
      all.addAll(read.getValue());
      Collections.sort(read.getValue());
      perRead.append(String.format(" %s %.1f", read.getKey(), ms(read.getValue(), 0.99)));
    }
    Collections.sort(all);
    System.out.printf("| %d | %d | %d | %.1f | %.1f | %.1f | %.1f |%s |%n", rate, all.size(), r.ok(), ms(all, 0.50),
        ms(all, 0.90), ms(all, 0.99), ms(all, 1.0), perRead);
    if (!r.slow().isEmpty()) {
      // whether the tail is one stall (a narrow window) or spread over the run
      LongSummaryStatistics when = r.slow().stream().mapToLong(x -> x[0]).summaryStatistics();
      System.out.printf("|   | %d requests over 50 ms, scheduled between %.2f s and %.2f s of %d s |%n",
          r.slow().size(), when.getMin() / 1e9, when.getMax() / 1e9, seconds);
    }
  }

  private record Result(Map<String, List<Long>> latencies, int ok, List<long[]> slow) {}

  private static Result run(HttpClient http, int port, List<String> paths, int rate, int seconds)
      throws InterruptedException {
    int total = rate * seconds;
    Map<String, ConcurrentLinkedQueue<Long>> latencies = new TreeMap<>();
    for (String path : paths) {
      latencies.putIfAbsent(read(path), new ConcurrentLinkedQueue<>());
    }
    ConcurrentLinkedQueue<long[]> slow = new ConcurrentLinkedQueue<>();
    AtomicInteger ok = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime();
    long periodNanos = 1_000_000_000L / rate;
    AtomicLong next = new AtomicLong();
    clock.scheduleAtFixedRate(() -> {
      long i = next.getAndIncrement();
      if (i >= total) {
        return;
      }
      long scheduled = start + i * periodNanos;
      String path = paths.get((int) (i % paths.size()));
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", "Bearer " + TestKeys.ADMIN).timeout(Duration.ofSeconds(30)).build();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, e) -> {
        long latency = System.nanoTime() - scheduled;
        latencies.get(read(path)).add(latency);
        if (latency > 50_000_000L) {
          slow.add(new long[] {scheduled - start, latency});
        }
        if (e == null && response.statusCode() == 200) {
          ok.incrementAndGet();
        }
        done.countDown();
      });
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    done.await(seconds + 60L, TimeUnit.SECONDS);
    clock.shutdownNow();
    Map<String, List<Long>> lists = new TreeMap<>();
    latencies.forEach((k, v) -> lists.put(k, new ArrayList<>(v)));
    return new Result(lists, ok.get(), new ArrayList<>(slow));
  }

  /** Which of the benchmark's reads a path is. */
  private static String read(String path) {
    return path.contains("/features/search") ? "search" : path.contains("/features?") ? "list"
        : path.endsWith("/top-inputs") ? "top-inputs" : path.startsWith("/actuator") ? "liveness" : "detail";
  }

  /** The {@code q} quantile of sorted nanosecond latencies, in milliseconds. */
  static double ms(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
    return sorted.get(Math.max(0, i)) / 1e6;
  }
}
