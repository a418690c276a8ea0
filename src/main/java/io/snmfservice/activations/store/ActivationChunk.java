package io.snmfservice.activations.store;

/**
 * A block of consecutive columns.
 *
 * @param start index of the first column
 * @param count number of columns
 * @param values column-major d×count values: column j is values[j*d .. j*d+d)
 */
public record ActivationChunk(long start, int count, float[] values) {}
