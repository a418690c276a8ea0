package io.snmfservice.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * Histogram of latents' firing frequencies on a log10 scale, as SAEBench plots feature density: bins of width 0.5
 * from 10⁻⁶ to 1 (frequencies below 10⁻⁶ fall in the first bin); dead latents (frequency 0, log undefined) are
 * counted apart.
 *
 * @param bins from the lowest bin up
 * @param dead latents that never fired
 */
public record DensityHistogram(List<Bin> bins, int dead) {

  /** Lowest edge (log10 frequency) and bin width. */
  static final double LOWEST = -6;
  static final double WIDTH = 0.5;

  /** Latents whose log10 firing frequency lies in [lower, upper) (the last bin includes 0). */
  public record Bin(double lower, double upper, int count) {}

  static DensityHistogram of(double[] frequencies) {
    int bins = (int) Math.round(-LOWEST / WIDTH);
    int[] counts = new int[bins];
    int dead = 0;
    for (double f : frequencies) {
      if (f <= 0) {
        dead++;
        continue;
      }
      int bin = (int) Math.floor((Math.log10(f) - LOWEST) / WIDTH);
      counts[Math.max(0, Math.min(bins - 1, bin))]++;
    }
    List<Bin> out = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      out.add(new Bin(LOWEST + i * WIDTH, LOWEST + (i + 1) * WIDTH, counts[i]));
    }
    return new DensityHistogram(out, dead);
  }
}
