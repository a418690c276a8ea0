package io.snmfservice.jobs;

/** How a handler says where it is. Each call may throw when the job was cancelled or the worker is stopping. */
public interface Progress {

  /**
   * @param stage short name of the current stage, e.g. {@code factorize}
   * @param fraction overall progress of the job in [0, 1]
   * @param message one line for humans, e.g. {@code iteration 40/200, loss 1.3e4}; may be null
   */
  void report(String stage, double fraction, String message);

  default void report(String stage, double fraction) {
    report(stage, fraction, null);
  }
}
