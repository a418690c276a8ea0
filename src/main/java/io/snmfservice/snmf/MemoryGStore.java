package io.snmfservice.snmf;

/** G blocks held as backend tensors (native or device memory, off the Java heap). */
final class MemoryGStore implements GStore {

  private final DeviceTensor[][] blocks;

  MemoryGStore(int slots, int chunks) {
    this.blocks = new DeviceTensor[slots][chunks];
  }

  @Override
  public DeviceTensor read(int slot, int chunk) {
    DeviceTensor t = blocks[slot][chunk];
    if (t == null) {
      throw new IllegalStateException("G slot " + slot + " chunk " + chunk + " was never written");
    }
    return t;
  }

  @Override
  public void release(DeviceTensor block) {
    // still owned by the store
  }

  @Override
  public void write(int slot, int chunk, DeviceTensor block) {
    DeviceTensor old = blocks[slot][chunk];
    blocks[slot][chunk] = block;
    if (old != null && old != block) {
      old.close();
    }
  }

  @Override
  public void close() {
    for (DeviceTensor[] slot : blocks) {
      for (int c = 0; c < slot.length; c++) {
        if (slot[c] != null) {
          slot[c].close();
          slot[c] = null;
        }
      }
    }
  }
}
