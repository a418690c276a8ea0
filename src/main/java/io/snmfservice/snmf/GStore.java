package io.snmfservice.snmf;

/**
 * G (n×K, ≥ 0) kept as one column-major n_c×K block per chunk, in a few slots: the engine reads
 * the current G from one slot and writes the next into another, and the best iterate's slot is
 * kept untouched, so keeping the best G never copies it.
 */
interface GStore extends AutoCloseable {

  /** The block of a chunk; hand it back with {@link #release}. */
  DeviceTensor read(int slot, int chunk);

  /** Hands back a block obtained from {@link #read}. */
  void release(DeviceTensor block);

  /** Stores a block; the store takes ownership of it. */
  void write(int slot, int chunk, DeviceTensor block);

  @Override
  void close();
}
