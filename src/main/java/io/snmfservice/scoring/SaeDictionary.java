package io.snmfservice.scoring;

import io.snmfservice.vectors.SaeEncoder;

/** An SAE as a dictionary: SAELens's encode and decode; a latent fires when it is &gt; 0 (SAEBench's L0). */
public record SaeDictionary(SaeEncoder sae) implements Dictionary {

  @Override
  public int inputWidth() {
    return sae.dIn();
  }

  @Override
  public int latents() {
    return sae.dSae();
  }

  @Override
  public Encoding encode(float[][] activations) {
    float[][] reconstructions = new float[activations.length][];
    boolean[][] firing = new boolean[activations.length][sae.dSae()];
    for (int i = 0; i < activations.length; i++) {
      float[] f = sae.encode(activations[i]);
      for (int k = 0; k < f.length; k++) {
        firing[i][k] = f[k] > 0;
      }
      reconstructions[i] = sae.decode(f);
    }
    return new Encoding(reconstructions, firing);
  }
}
