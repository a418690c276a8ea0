package io.snmfservice.transformer.bench;

import io.snmfservice.support.TestDevice;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Tokens/s of activation capture on the configured device ({@code -Dsnmf.device}), without the PyTorch comparison
 * of {@link TransformerBenchmark}: stories260K and a random GPT-2-small-shaped checkpoint, batch × 256 tokens for
 * each batch size given as an argument (default 8 32). Prints one RESULT line per case.
 */
public final class CaptureBenchmark {

  private CaptureBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] batches = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {8, 32};
    Path tmp = Files.createTempDirectory("capture-bench");
    try {
      Path gpt2 = tmp.resolve("gpt2-small-random");
      TransformerBenchmark.writeRandomGpt2Small(gpt2);
      Path stories = Path.of("..", "shared", "models", "stories260K", "stories260K.bin");
      for (int batch : batches) {
        run("stories260K", stories, batch, 2);
        run("gpt2-small-random", gpt2, batch, 6);
      }
    } finally {
      try (var files = Files.walk(tmp)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(String name, Path model, int batch, int layer) {
    int seq = 256;
    try (HookedTransformer m = TransformerLoader.load(model, TestDevice.get())) {
      Random random = new Random(17);
      int[][] tokens = new int[batch][];
      for (int b = 0; b < batch; b++) {
        tokens[b] = random.ints(seq, 3, m.config().vocabSize()).toArray();
      }
      String hook = HookPoint.mlpPost(layer);
      HookSpec spec = HookSpec.logits(LogitsMode.NONE).withCapture(hook);
      double[] times = new double[5];
      for (int i = -2; i < times.length; i++) {
        long start = System.nanoTime();
        ForwardResult r = m.forward(TokenBatch.rightPadded(tokens), spec);
        r.captureFlat(hook);
        if (i >= 0) {
          times[i] = (System.nanoTime() - start) / 1e9;
        }
      }
      Arrays.sort(times);
      System.out.printf("RESULT capture %s on %s, batch %d x %d: %.0f tokens/s (median of %d)%n", name,
          TestDevice.get(), batch, seq, batch * seq / times[times.length / 2], times.length);
    }
  }
}
