package io.snmfservice.snmf;

/** G blocks held as backend tensors (native or device memory, off the Java heap). */
final class MemoryGStore implements GStore {

  private final Tensor[][] blocks;

  MemoryGStore(int slots, int chunks) {
    this.blocks = new Tensor[slots][chunks];
  }

  @Override
  public Tensor read(int slot, int chunk) {
    Tensor t = blocks[slot][chunk];
    if (t == null) {
      throw new IllegalStateException("G slot " + slot + " chunk " + chunk + " was never written");
    }
    return t;
  }

  @Override
  public void release(Tensor block) {
    // still owned by the store
  }

  @Override
  public void write(int slot, int chunk, Tensor block) {
    Tensor old = blocks[slot][chunk];
    blocks[slot][chunk] = block;
    if (old != null && old != block) {
      old.close();
    }
  }

  @Override
  public void close() {
    for (Tensor[] slot : blocks) {
      for (int c = 0; c < slot.length; c++) {
        if (slot[c] != null) {
          slot[c].close();
          slot[c] = null;
        }
      }
    }
  }
}
