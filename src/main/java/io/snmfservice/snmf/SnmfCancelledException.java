package io.snmfservice.snmf;

/** The factorization stopped because its {@link CancellationSignal} was raised. */
public class SnmfCancelledException extends RuntimeException {

  public SnmfCancelledException(int completedIterations) {
    super("factorization cancelled after " + completedIterations + " iterations");
  }
}
