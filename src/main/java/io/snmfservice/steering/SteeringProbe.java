package io.snmfservice.steering;

import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-token logits at the last token of each base prompt, with and without steering by one vector. All prompts
 * run as one right-padded batch; the unsteered logits are computed once, the most recent steered ones are kept per
 * α (the runner asks again for the α the search settled on).
 *
 * <p>Prompts are token ids as the model sees them (with BOS where the model expects one; see
 * {@link BasePrompts}). Not thread-safe.
 */
public final class SteeringProbe {

  /** Steered logit sets kept (least recently used dropped): [prompts × vocab] floats each. */
  private static final int MEMO = 16;

  private final HookedTransformer model;
  private final SteeringVector vector;
  private final TokenBatch prompts;
  private final float[][] base;
  private final Map<Double, float[][]> steered = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Double, float[][]> eldest) {
      return size() > MEMO;
    }
  };
  private int steeredPasses;

  public SteeringProbe(HookedTransformer model, SteeringVector vector, List<int[]> prompts) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("need at least one base prompt");
    }
    for (int[] prompt : prompts) {
      if (prompt.length == 0) {
        throw new IllegalArgumentException("a base prompt is empty");
      }
    }
    SteeringVector.requireFits(model.config(), vector.layer(), vector.hook(), vector.dimension());
    this.model = model;
    this.vector = vector;
    this.prompts = TokenBatch.rightPadded(prompts.toArray(int[][]::new));
    this.base = lastLogits(HookSpec.logits(LogitsMode.LAST));
  }

  public HookedTransformer model() {
    return model;
  }

  public SteeringVector vector() {
    return vector;
  }

  public int promptCount() {
    return prompts.size();
  }

  /** Unsteered logits {@code [prompt][vocab]} at each prompt's last token (do not modify). */
  public float[][] baseLogits() {
    return base;
  }

  /** Logits {@code [prompt][vocab]} with {@code signedAlpha · z} added at every position (do not modify). */
  public float[][] steeredLogits(double signedAlpha) {
    return steered.computeIfAbsent(signedAlpha, a -> {
      steeredPasses++;
      return lastLogits(HookSpec.logits(LogitsMode.LAST).withIntervention(vector.intervention(a)));
    });
  }

  /** KL(P_steered ‖ P_base) at the last prompt token, averaged over the prompts (arithmetic mean). */
  public double meanKl(double signedAlpha) {
    return KlDivergence.meanOverPrompts(steeredLogits(signedAlpha), base);
  }

  /** Number of distinct steered forward passes run so far. */
  public int steeredPasses() {
    return steeredPasses;
  }

  private float[][] lastLogits(HookSpec spec) {
    var result = model.forward(prompts, spec);
    float[][] out = new float[prompts.size()][];
    for (int b = 0; b < out.length; b++) {
      out[b] = result.lastLogits(b);
    }
    return out;
  }
}
