package io.snmfservice.snmf;

import java.util.Arrays;

/**
 * The host side of SNMF (steps 1–3 and 5 of {@link SnmfEngine}'s class comment) around a pluggable step 4, the pass
 * over A. The single-machine engine folds {@link ChunkStep} over its chunks, the Spark application over its
 * partitions; both run this one loop, so the d×K / K×K math, its order and the stopping rule are the same code.
 */
public final class SnmfIterations {

  /** G slots: a pass reads one and writes another, and the best iterate's slot is kept untouched. */
  public static final int SLOTS = 3;
  /** Floor of ‖g_k‖ in the rescale, as in the official code. */
  static final double NORM_FLOOR = 1e-8;

  private SnmfIterations() {}

  /** Σ A_c·G_c (d×K) and Σ G_cᵀG_c (K×K) over one pass, column-major, in double. */
  public record Sums(double[] m, double[] s) {

    public static Sums zero(int d, int k) {
      return new Sums(new double[d * k], new double[k * k]);
    }

    /** Adds one chunk's (or one partition's) contribution. */
    public void add(double[] ag, double[] gtg) {
      for (int i = 0; i < m.length; i++) {
        m[i] += ag[i];
      }
      for (int i = 0; i < s.length; i++) {
        s[i] += gtg[i];
      }
    }
  }

  /** Step 4 over all of A. */
  public interface Pass {
    /**
     * G_c' = ChunkStep.apply(F, FᵀF, gScale, A_c, G_c) for every chunk, G read from slot {@code from}, G' written to
     * slot {@code to}; returns the sums of G'.
     */
    Sums update(double[] f, double[] ftf, double[] gScale, int from, int to);
  }

  /**
   * @param bestF F of the best iteration, d×K column-major
   * @param bestSlot the slot holding the best G
   * @param losses loss after each iteration run
   * @param bestIteration 1-based
   * @param relativeError ‖A − FGᵀ‖_F / ‖A‖_F at the best iteration
   */
  public record Outcome(double[] bestF, int bestSlot, double[] losses, int bestIteration, double relativeError) {}

  /**
   * Iterates from G₀ in slot 0, whose sums are {@code initial}.
   *
   * @param normA2 ‖A‖²_F
   */
  public static Outcome run(int d, SnmfConfig cfg, Sums initial, double normA2, Pass pass,
      SnmfProgressListener listener) {
    return run(d, cfg, SnmfCheckpoints.State.start(initial.m(), initial.s(), normA2), pass, listener,
        Checkpoint.NONE);
  }

  /** Saves the state after an iteration when one is due (the engine's {@link SnmfCheckpoints}). */
  interface Checkpoint {
    Checkpoint NONE = new Checkpoint() {
      @Override
      public boolean due(int iteration) {
        return false;
      }

      @Override
      public void save(SnmfCheckpoints.State state, int currentSlot, int bestSlot) {}
    };

    boolean due(int iteration);

    void save(SnmfCheckpoints.State state, int currentSlot, int bestSlot);
  }

  /**
   * Iterates from a state: iteration 0 (G₀ in slot 0) or a saved one (its current G in slot 0 and, when the best G
   * differs, that in slot 1), so that a resumed run computes the iterates of an uninterrupted one.
   */
  static Outcome run(int d, SnmfConfig cfg, SnmfCheckpoints.State from, Pass pass, SnmfProgressListener listener,
      Checkpoint checkpoint) {
    int k = cfg.k();
    Sums sums = new Sums(from.m(), from.s());
    double normA2 = from.normA2();
    double[] gScale = new double[k];
    int current = 0;
    double[] bestF = from.bestF();
    int bestSlot = bestF == null ? -1 : from.bestIsCurrent() ? 0 : 1;
    double best = from.best();
    int bestIteration = from.bestIteration();
    int stall = from.stall();
    double[] losses = Arrays.copyOf(from.losses(), cfg.maxIterations());
    int keep = cfg.keptPerColumn(d);
    int t = from.iteration();
    while (t < cfg.maxIterations()) {
      // steps 1-3 on the host: F = M (S + εI)⁻¹, winner-take-all, rescale
      double[] f = HostMatrices.solveRight(sums.m(), d, sums.s(), k, cfg.epsilon());
      HostMatrices.keepLargestPerColumn(f, d, k, keep);
      for (int j = 0; j < k; j++) {
        double norm = Math.max(Math.sqrt(Math.max(sums.s()[j + j * k], 0)), NORM_FLOOR);
        gScale[j] = 1 / norm;
        for (int i = 0; i < d; i++) {
          f[j * d + i] *= norm;
        }
      }
      // step 4 as a pass over A, writing the new G into a slot that is neither read nor best
      int target = freeSlot(current, bestSlot);
      double[] ftf = HostMatrices.gram(f, d, k);
      sums = pass.update(f, ftf, gScale.clone(), current, target);
      double loss = normA2 - 2 * HostMatrices.dot(f, sums.m()) + HostMatrices.dot(ftf, sums.s());
      losses[t] = loss;
      t++;
      listener.onIteration(t, loss);
      if (loss < best - cfg.tolerance()) {
        best = loss;
        bestF = f;
        bestIteration = t;
        bestSlot = target;
        stall = 0;
      } else {
        stall++;
      }
      current = target;
      if (stall >= cfg.patience()) {
        break;
      }
      if (t < cfg.maxIterations() && checkpoint.due(t)) {
        checkpoint.save(new SnmfCheckpoints.State(t, Arrays.copyOf(losses, t), best, bestIteration, stall, bestF,
            normA2, sums.m(), sums.s(), bestSlot == current), current, bestSlot);
      }
    }
    double relativeError = Math.sqrt(Math.max(best, 0) / normA2);
    return new Outcome(bestF, bestSlot, Arrays.copyOf(losses, t), bestIteration, relativeError);
  }

  private static int freeSlot(int current, int best) {
    for (int s = 0; s < SLOTS; s++) {
      if (s != current && s != best) {
        return s;
      }
    }
    throw new IllegalStateException("no free G slot");
  }
}
