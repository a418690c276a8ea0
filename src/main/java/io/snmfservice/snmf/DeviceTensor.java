package io.snmfservice.snmf;

/**
 * A dense rows×cols matrix owned by a {@link TensorOps} backend, in its memory (native or GPU, not the Java heap);
 * close it when done.
 */
public interface DeviceTensor extends AutoCloseable {

  int rows();

  int cols();

  @Override
  void close();
}
