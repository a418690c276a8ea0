package io.snmfservice.activations.bench;

import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.support.Http;
import io.snmfservice.support.TestDatabase;
import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.bench.TransformerBenchmark;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A collect job's tokens/s against the bare forward pass on batches of the same shape (issue #27): the service in
 * this JVM (one worker thread) records {@code blocks.L.mlp.hook_post} of a token dataset (documents of 255 tokens,
 * windows of 256 with BOS, 16 a batch), then the same model, loaded alone, runs forward passes of 16 × 256 with
 * only that capture. Both count the tokens after BOS. The fortunes model and a random GPT-2-small-shaped checkpoint.
 * After a warm-up round (JIT, model cache), collect and bare rounds alternate, so a shared machine's load falls on
 * both alike; a collect round is timed from the job's creation to its end by the service's own clock (polled every
 * 200 ms, so the polling barely takes CPU from the job), and the collector's own rate (its loop of forward passes
 * and writes, from the job's last message) is shown next to it.
 * Arguments: [documents for fortunes (512)] [documents for GPT-2 small (64; 0 leaves it out)] [measured rounds (3)]
 * [PyTorch threads per forward pass (0: the service's default, cores ÷ worker threads)].
 */
public final class CollectBenchmark {

  private static final int BATCH = 16;
  private static final int CONTEXT = 256;
  private static final Pattern RATE = Pattern.compile("([\\d,]+) tokens/s");

  private CollectBenchmark() {}

  public static void main(String[] args) throws Exception {
    int fortunesDocuments = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int gpt2Documents = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int torchThreads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    Path tmp = Files.createTempDirectory("collect-bench");
    Path gpt2 = tmp.resolve("gpt2-small-random");
    if (gpt2Documents > 0) {
      TransformerBenchmark.writeRandomGpt2Small(gpt2);
    }
    TestDatabase.Connection db = TestDatabase.createDatabase("collect_bench_" + System.nanoTime());
    try (ConfigurableApplicationContext service = new SpringApplicationBuilder(SnmfServiceApplication.class)
        .profiles("test").run("--server.port=0", "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
            "--snmf.data-dir=" + tmp.resolve("data"), "--snmf.workers.threads=1", "--snmf.torch-threads=" + torchThreads,
            "--snmf.models.allowed-roots=../shared/models," + tmp, "--logging.level.root=warn",
            "--logging.level.io.snmfservice=warn")) {
      Http api = new Http(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
      compare(api, "fortunes-byte-gpt2", Path.of("../shared/models/fortunes-byte-gpt2").toAbsolutePath(), 2, 256,
          fortunesDocuments, rounds);
      if (gpt2Documents > 0) {
        compare(api, "gpt2-small-random", gpt2, 6, 50257, gpt2Documents, rounds);
      }
    }
    StoreDirectory.deleteRecursively(tmp); // the checkpoint and the recorded sets: over a GB
    System.exit(0);
  }

  private static void compare(Http api, String name, Path model, int layer, int vocab, int documents, int rounds) {
    Random random = new Random(7);
    StringBuilder tokens = new StringBuilder("[");
    for (int d = 0; d < documents; d++) {
      tokens.append(d == 0 ? "[" : ",[");
      for (int t = 0; t < CONTEXT - 1; t++) {
        tokens.append(t == 0 ? "" : ",").append(random.nextInt(vocab - 1));
      }
      tokens.append(']');
    }
    tokens.append(']');
    long modelId = api.post("/v1/models", "{\"name\":\"" + name + "\",\"source\":\"local\",\"path\":\"" + model
        + "\"}").json().get("id").asLong();
    long count = (long) documents * (CONTEXT - 1);
    List<Double> ratios = new ArrayList<>();
    try (HookedTransformer m = TransformerLoader.load(model, TestDevice.get())) {
      for (int round = 0; round <= rounds; round++) { // round 0 warms up the JIT and the model cache
        long dataset = api.post("/v1/datasets", "{\"name\":\"" + name + "-" + round + "\",\"kind\":\"tokens\","
            + "\"tokens\":" + tokens + "}").json().get("id").asLong();
        long job = api.post("/v1/activations", "{\"modelId\":" + modelId + ",\"datasetId\":" + dataset
            + ",\"layers\":[" + layer + "],\"contextLength\":" + CONTEXT + ",\"batchSize\":" + BATCH
            + ",\"shards\":1}").json().get("id").asLong();
        JsonNode done = awaitFinished(api, job);
        double collect = Duration.between(Instant.parse(done.get("createdAt").asString()),
            Instant.parse(done.get("finishedAt").asString())).toNanos() / 1e9;
        Matcher rate = RATE.matcher(done.get("message").asString(""));
        double bare = bareForward(m, layer, documents, vocab, random);
        String load = loadAverage();
        System.out.printf("RESULT %s round %d: collect job %.2f s (%.0f tokens/s; the collector's loop %s tokens/s),"
                + " bare forward %.2f s (%.0f tokens/s), collect / bare %.2f, load %s%n", name, round, collect,
            count / collect, rate.find() ? rate.group(1) : "?", bare, count / bare, collect / bare, load);
        if (round > 0) {
          ratios.add(collect / bare);
        }
      }
    }
    Collections.sort(ratios);
    int n = ratios.size();
    double median = (ratios.get((n - 1) / 2) + ratios.get(n / 2)) / 2;
    System.out.printf("RESULT %s: collect / bare over %d rounds: median %.2f, min %.2f, max %.2f%n", name, n, median,
        ratios.get(0), ratios.get(n - 1));
  }

  /** Seconds for forward passes of 16 × 256 over {@code documents} rows, capturing the same hook. */
  private static double bareForward(HookedTransformer m, int layer, int documents, int vocab, Random random) {
    String hook = HookPoint.mlpPost(layer);
    HookSpec spec = HookSpec.logits(LogitsMode.NONE).withCapture(hook);
    int batches = (documents + BATCH - 1) / BATCH;
    long start = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      int[][] rows = new int[Math.min(BATCH, documents - b * BATCH)][];
      for (int r = 0; r < rows.length; r++) {
        rows[r] = random.ints(CONTEXT, 0, vocab - 1).toArray();
      }
      m.forward(TokenBatch.rightPadded(rows), spec).captureFlat(hook);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static JsonNode awaitFinished(Http api, long job) {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode j = api.get("/v1/jobs/" + job).json();
      String status = j.get("status").asString();
      if (status.equals("SUCCEEDED")) {
        return j;
      }
      if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
        throw new IllegalStateException("job " + job + " ended " + j);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("job " + job + " did not finish in 30 minutes");
  }

  private static String loadAverage() {
    try {
      return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
