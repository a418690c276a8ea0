package io.snmfservice.snmf;

/** One flat factorization of A: the engine in this process, or the Spark application. */
@FunctionalInterface
public interface Factorizer {

  SnmfResult factorize(ActivationSource a, SnmfConfig cfg, SnmfProgressListener listener, CancellationSignal cancel);
}
