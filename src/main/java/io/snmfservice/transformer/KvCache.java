package io.snmfservice.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * Keys and values of the slots a model has already processed, per layer ({@code [batch, nKvHeads, slots, headDim]}),
 * with each slot's position and whether it holds a real token. Passing the same cache to successive
 * {@link HookedTransformer#forward(TokenBatch, HookSpec, KvCache)} calls continues the sequences. Owns native
 * memory: close it (try-with-resources). Not thread-safe.
 */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int batch;
  private int slots;
  private int[][] positions;
  private boolean[][] real;
  private final int[] nextPosition;

  KvCache(NDManager parent, int nLayers, int batch) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[nLayers];
    this.values = new NDArray[nLayers];
    this.batch = batch;
    this.positions = new int[batch][16];
    this.real = new boolean[batch][16];
    this.nextPosition = new int[batch];
  }

  public int batchSize() {
    return batch;
  }

  /** Slots held so far (including padding). */
  public int slots() {
    return slots;
  }

  /** Position the next real token of row b will get. */
  public int nextPosition(int b) {
    return nextPosition[b];
  }

  int position(int b, int slot) {
    return positions[b][slot];
  }

  boolean isReal(int b, int slot) {
    return real[b][slot];
  }

  /** Records the slots of a new batch slice: their positions and which are real. */
  void appendSlots(int[][] newPositions, boolean[][] newReal) {
    int added = newPositions[0].length;
    if (slots + added > positions[0].length) {
      int capacity = Math.max(2 * positions[0].length, slots + added);
      for (int b = 0; b < batch; b++) {
        positions[b] = Arrays.copyOf(positions[b], capacity);
        real[b] = Arrays.copyOf(real[b], capacity);
      }
    }
    for (int b = 0; b < batch; b++) {
      System.arraycopy(newPositions[b], 0, positions[b], slots, added);
      System.arraycopy(newReal[b], 0, real[b], slots, added);
      for (int t = 0; t < added; t++) {
        if (newReal[b][t]) {
          nextPosition[b] = newPositions[b][t] + 1;
        }
      }
    }
    slots += added;
  }

  /**
   * Appends one layer's new keys and values ({@code [batch, nKvHeads, newSlots, headDim]}) and returns all of them;
   * the stored arrays move into the cache's own memory scope.
   */
  NDArray[] append(int layer, NDArray newKeys, NDArray newValues) {
    NDArray k = keys[layer] == null ? newKeys : keys[layer].concat(newKeys, 2);
    NDArray v = values[layer] == null ? newValues : values[layer].concat(newValues, 2);
    k.attach(manager);
    v.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = k;
    values[layer] = v;
    return new NDArray[] {k, v};
  }

  @Override
  public void close() {
    manager.close();
  }
}
