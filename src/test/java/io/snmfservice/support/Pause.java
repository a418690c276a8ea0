package io.snmfservice.support;

/** Thread.sleep for tests that poll: an interrupt ends the test instead of being swallowed. */
public final class Pause {

  private Pause() {}

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
