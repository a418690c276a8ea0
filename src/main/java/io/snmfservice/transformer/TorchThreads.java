package io.snmfservice.transformer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The PyTorch engine's intra-op thread count (process-wide; also settable at start-up with the system property
 * {@code ai.djl.pytorch.num_threads}). Small models are dominated by per-operation overhead, and on a busy machine
 * a multi-threaded pool costs far more than it gains: one thread was 10–50× faster for the test models on the
 * shared 2-core build machine, while large matrix products profit from more threads.
 */
public final class TorchThreads {

  private TorchThreads() {}

  public static int intraOpThreads() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }

  public static void setIntraOpThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("need at least one thread, got " + threads);
    }
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
  }
}
