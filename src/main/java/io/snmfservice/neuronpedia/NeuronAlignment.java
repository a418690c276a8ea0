package io.snmfservice.neuronpedia;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Neuronpedia's "neuron alignment" of a direction in neuron space (an SNMF feature lives in MLP space, so its
 * entries are per-neuron weights): the {@code k} entries of largest |value|, their values, and each value's share of
 * the L1 norm, value / Σ|v|.
 */
record NeuronAlignment(int[] indices, float[] values, float[] l1) {

  static NeuronAlignment of(float[] direction, int k) {
    double l1 = 0;
    for (float v : direction) {
      l1 += Math.abs(v);
    }
    Integer[] order = new Integer[direction.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -Math.abs(direction[i])).thenComparingInt(i -> i));
    int n = Math.min(k, direction.length);
    int[] indices = new int[n];
    float[] values = new float[n];
    float[] shares = new float[n];
    for (int i = 0; i < n; i++) {
      indices[i] = order[i];
      values[i] = direction[order[i]];
      shares[i] = l1 == 0 ? 0f : (float) (direction[order[i]] / l1);
    }
    return new NeuronAlignment(indices, values, shares);
  }
}
