package io.snmfservice.transformer;

/**
 * Llama-3 rotary frequency scaling ({@code rope_scaling.rope_type = "llama3"}).
 *
 * <p>With wavelength λ = 2π/ω: ω' = ω when λ &lt; L/high, ω/factor when λ &gt; L/low, and in between
 * ω' = (1 − s)·ω/factor + s·ω with s = (L/λ − low)/(high − low), L = original context length.
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

  /** Applies the scaling to one inverse frequency ω. */
  public double scale(double invFreq) {
    double wavelength = 2 * Math.PI / invFreq;
    double lowFreqWavelength = originalMaxPositions / lowFreqFactor;
    double highFreqWavelength = originalMaxPositions / highFreqFactor;
    if (wavelength < highFreqWavelength) {
      return invFreq;
    }
    if (wavelength > lowFreqWavelength) {
      return invFreq / factor;
    }
    double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * invFreq / factor + smooth * invFreq;
  }
}
