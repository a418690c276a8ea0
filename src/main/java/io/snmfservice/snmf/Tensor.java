package io.snmfservice.snmf;

/** A dense rows×cols matrix owned by a {@link TensorOps} backend; close it when done. */
public interface Tensor extends AutoCloseable {

  int rows();

  int cols();

  @Override
  void close();
}
