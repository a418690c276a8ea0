package io.snmfservice.scoring;

/**
 * A method's encoder and decoder at one hook, as the core metrics see it: activations in, latents (which of them
 * fire) and reconstructions out. An SAE ({@link SaeDictionary}) and an SNMF level ({@link SnmfDictionary}) are the
 * two kinds.
 */
public interface Dictionary {

  /** Width d of the activations it reads (the hook's width). */
  int inputWidth();

  /** Number of latents K. */
  int latents();

  /** Encodes and decodes n activations (rows of width d). */
  Encoding encode(float[][] activations);

  /** The K directions the latents write (decoder rows, SNMF's f_k), or null when there are none to compare. */
  default float[][] decoderDirections() {
    return null;
  }

  /** The K directions the latents read (an SAE's W_enc columns), or null when encoding is not a linear map. */
  default float[][] encoderDirections() {
    return null;
  }

  /**
   * One batch's result.
   *
   * @param reconstructions n×d, the decoder's output for each activation
   * @param firing n×K, whether latent k fires on activation i (the method's own rule, docs/metrics.md)
   * @param l1 n, the sum of activation i's latent values in units of the reconstruction (SAEBench's l1)
   */
  record Encoding(float[][] reconstructions, boolean[][] firing, double[] l1) {}
}
