package io.snmfservice.snmf;

/**
 * Joint fine-tuning of all hierarchy levels: A ≈ F_L (G₁ G₂ ⋯ G_L)ᵀ by Adam on the mean squared
 * error, with every G projected back to ≥ 0 after each step (the official code lets them go
 * negative; projecting keeps the links meaningful).
 *
 * @param steps Adam steps (official: 500)
 * @param learningRate Adam step size (official: 1e-3)
 */
public record FineTune(int steps, double learningRate) {

  public static final FineTune OFFICIAL = new FineTune(500, 1e-3);

  public FineTune {
    if (steps < 1 || !(learningRate > 0)) {
      throw new SnmfValidationException("fine-tune needs steps >= 1 and a positive learning rate");
    }
  }
}
