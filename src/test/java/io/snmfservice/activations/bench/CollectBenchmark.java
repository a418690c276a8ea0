package io.snmfservice.activations.bench;

import io.snmfservice.SnmfServiceApplication;
import io.snmfservice.support.Http;
import io.snmfservice.support.Jobs;
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
import java.util.Random;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A collect job's tokens/s against the bare forward pass on batches of the same shape (issue #27): the service in
 * this JVM (one worker thread) records {@code blocks.L.mlp.hook_post} of a token dataset (documents of 255 tokens,
 * windows of 256 with BOS, 16 a batch), then the same model, loaded alone, runs forward passes of 16 × 256 with
 * only that capture. Both count the tokens after BOS. The fortunes model and a random GPT-2-small-shaped checkpoint.
 * Arguments: [documents for fortunes (512)] [documents for GPT-2 small (64)].
 */
public final class CollectBenchmark {

  private static final int BATCH = 16;
  private static final int CONTEXT = 256;

  private CollectBenchmark() {}

  public static void main(String[] args) throws Exception {
    int fortunesDocuments = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int gpt2Documents = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Path tmp = Files.createTempDirectory("collect-bench");
    Path gpt2 = tmp.resolve("gpt2-small-random");
    TransformerBenchmark.writeRandomGpt2Small(gpt2);
    TestDatabase.Connection db = TestDatabase.createDatabase("collect_bench_" + System.nanoTime());
    try (ConfigurableApplicationContext service = new SpringApplicationBuilder(SnmfServiceApplication.class)
        .profiles("test").run("--server.port=0", "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
            "--snmf.data-dir=" + tmp.resolve("data"), "--snmf.workers.threads=1",
            "--snmf.models.allowed-roots=../shared/models," + tmp, "--logging.level.root=warn",
            "--logging.level.io.snmfservice=warn")) {
      Http api = new Http(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
      compare(api, "fortunes-byte-gpt2", Path.of("../shared/models/fortunes-byte-gpt2").toAbsolutePath(), 2, 256,
          fortunesDocuments);
      compare(api, "gpt2-small-random", gpt2, 6, 50257, gpt2Documents);
    }
    System.exit(0);
  }

  private static void compare(Http api, String name, Path model, int layer, int vocab, int documents) {
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
    for (int round = 0; round < 2; round++) { // the first warms up the JIT and the model cache
      long dataset = api.post("/v1/datasets", "{\"name\":\"" + name + "-" + round + "\",\"kind\":\"tokens\","
          + "\"tokens\":" + tokens + "}").json().get("id").asLong();
      long start = System.nanoTime();
      long job = api.post("/v1/activations", "{\"modelId\":" + modelId + ",\"datasetId\":" + dataset + ",\"layers\":["
          + layer + "],\"contextLength\":" + CONTEXT + ",\"batchSize\":" + BATCH + ",\"shards\":1}").json()
          .get("id").asLong();
      JsonNode done = Jobs.awaitSucceeded(api, job, Duration.ofMinutes(30));
      double wall = (System.nanoTime() - start) / 1e9;
      System.out.printf("collect %s round %d: %s; %.1f s from submission to SUCCEEDED%n", name, round,
          done.get("result").toString().replaceAll("\"(matrixPath|indexPath)\":\"[^\"]*\",?", ""), wall);
    }
    try (HookedTransformer m = TransformerLoader.load(model, TestDevice.get())) {
      String hook = HookPoint.mlpPost(layer);
      HookSpec spec = HookSpec.logits(LogitsMode.NONE).withCapture(hook);
      int batches = (documents + BATCH - 1) / BATCH;
      for (int round = 0; round < 2; round++) {
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          int[][] rows = new int[Math.min(BATCH, documents - b * BATCH)][];
          for (int r = 0; r < rows.length; r++) {
            rows[r] = random.ints(CONTEXT, 0, vocab - 1).toArray();
          }
          m.forward(TokenBatch.rightPadded(rows), spec).captureFlat(hook);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("RESULT bare forward %s round %d: %d batches of %d x %d, %.1f s, %.0f tokens/s (after BOS)%n",
            name, round, batches, BATCH, CONTEXT, seconds, documents * (CONTEXT - 1) / seconds);
      }
    }
  }
}
