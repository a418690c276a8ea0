package io.snmfservice.snmf;

/** Told the loss ‖A − FGᵀ‖²_F after every iteration (1-based). */
@FunctionalInterface
public interface SnmfProgressListener {

  SnmfProgressListener NONE = (iteration, loss) -> {};

  void onIteration(int iteration, double loss);
}
