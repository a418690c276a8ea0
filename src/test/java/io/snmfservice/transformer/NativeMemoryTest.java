package io.snmfservice.transformer;

import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.transformer.loader.TransformerLoader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every forward pass releases its native arrays: over 1,000 passes (batched, captured, steered, plus KV-cached
 * steps) the model owns no extra arrays and resident memory outside the Java heap shows no upward trend.
 */
@SlowTest
@ExtendWith(SingleThreadedTorch.class)
class NativeMemoryTest {

  private static final int PASSES = 1000;
  private static final int SAMPLE_EVERY = 100;

  @Test
  void thousandForwardPassesDoNotGrowNativeMemory() throws Exception {
    try (HookedTransformer model = TransformerLoader.load(Reference.shared("models", "stories260K", "stories260K.bin"), TestDevice.get())) {
      int[][] sequences = new int[4][];
      for (int b = 0; b < sequences.length; b++) {
        sequences[b] = new Random(b).ints(24 - 3 * b, 3, 512).toArray();
      }
      HookSpec spec = HookSpec.none().withCapture(HookPoint.mlpPost(2), HookPoint.residPost(4))
          .withIntervention(new AddVector(2, new float[172], 1f, 3));
      int weights = model.liveNativeArrays();
      for (int i = 0; i < 500; i++) { // warm-up: JIT, allocator pools and code caches settle first
        pass(model, sequences, spec);
      }
      nativeResidentKiB(); // the first explicit collections shrink the committed heap: settle that before sampling
      long[] samples = new long[PASSES / SAMPLE_EVERY];
      for (int i = 0; i < PASSES; i++) {
        pass(model, sequences, spec);
        if (i % SAMPLE_EVERY == SAMPLE_EVERY - 1) {
          samples[i / SAMPLE_EVERY] = nativeResidentKiB();
        }
      }
      assertThat(model.liveNativeArrays()).as("native arrays owned by the model").isEqualTo(weights);
      // allocator and GC noise moves single samples up and down by ~16 MiB; a leak moves the floor:
      // one leaked pass would hold ≥ 100 KiB (activations of 4×24 tokens), 500 passes ≥ 50 MiB
      long firstHalfFloor = Long.MAX_VALUE;
      long secondHalfFloor = Long.MAX_VALUE;
      for (int s = 0; s < samples.length; s++) {
        if (s < samples.length / 2) {
          firstHalfFloor = Math.min(firstHalfFloor, samples[s]);
        } else {
          secondHalfFloor = Math.min(secondHalfFloor, samples[s]);
        }
      }
      System.out.println("native RSS samples (KiB): " + java.util.Arrays.toString(samples));
      assertThat(secondHalfFloor - firstHalfFloor).as("growth of the native RSS floor over 500 passes, KiB")
          .isLessThan(24 * 1024);
    }
  }

  private static void pass(HookedTransformer model, int[][] sequences, HookSpec spec) {
    model.forward(TokenBatch.leftPadded(sequences), spec);
    try (KvCache cache = model.newKvCache(1)) {
      model.forward(TokenBatch.single(1, 5, 7), HookSpec.logits(LogitsMode.LAST), cache);
      model.forward(TokenBatch.single(9), HookSpec.logits(LogitsMode.LAST), cache);
    }
  }

  /** Resident memory minus what the JVM has committed for heap and metaspace (that part is Java garbage). */
  private static long nativeResidentKiB() throws IOException, InterruptedException {
    // DJL frees some transfer buffers through cleaners that run after a collection: let them finish (a fixed
    // pause, since nothing tells when they are done)
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(100);
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long javaCommitted = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) - javaCommitted / 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
