package io.snmfservice.scoring;

import io.snmfservice.vectors.SaeEncoder;

/**
 * An SAE as a dictionary: SAELens's encode and decode; a latent fires when it is &gt; 0 (SAEBench's L0), and its l1
 * is the sum of the latents (SAEBench sums them as they are; they are ≥ 0).
 */
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
    double[] l1 = new double[activations.length];
    for (int i = 0; i < activations.length; i++) {
      float[] f = sae.encode(activations[i]);
      for (int k = 0; k < f.length; k++) {
        firing[i][k] = f[k] > 0;
        l1[i] += f[k];
      }
      reconstructions[i] = sae.decode(f);
    }
    return new Encoding(reconstructions, firing, l1);
  }

  @Override
  public float[][] decoderDirections() {
    return sae.wDec();
  }

  /** W_enc's columns: the direction each latent reads. */
  @Override
  public float[][] encoderDirections() {
    float[][] columns = new float[sae.dSae()][sae.dIn()];
    for (int i = 0; i < sae.dIn(); i++) {
      for (int k = 0; k < sae.dSae(); k++) {
        columns[k][i] = sae.wEnc()[i * sae.dSae() + k];
      }
    }
    return columns;
  }
}
