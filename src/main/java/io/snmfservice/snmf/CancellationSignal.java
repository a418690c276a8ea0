package io.snmfservice.snmf;

/** Polled between chunks; once true the engine stops with {@link SnmfCancelledException}. */
@FunctionalInterface
public interface CancellationSignal {

  CancellationSignal NEVER = () -> false;

  boolean isCancelled();
}
