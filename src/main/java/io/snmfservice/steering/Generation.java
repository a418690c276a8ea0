package io.snmfservice.steering;

/**
 * One sampled continuation.
 *
 * @param promptIndex which base prompt it continues
 * @param sample sample index i (seed = settings seed + i)
 * @param seed the seed it was drawn with
 * @param tokens generated ids (prompt not included)
 * @param text decoded generated text
 */
public record Generation(int promptIndex, int sample, long seed, int[] tokens, String text) {}
