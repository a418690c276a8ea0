package io.snmfservice.scoring;

import io.snmfservice.steering.KlDivergence;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.ReplaceActivation;
import io.snmfservice.transformer.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SAEBench-style core metrics of a dictionary at one hook on a set of token sequences (docs/metrics.md states each
 * formula and its source). Per batch of sequences four forward passes run: clean (logits and the hook's
 * activations), spliced (the hook's activations replaced by the dictionary's reconstructions), zero-ablated and
 * mean-ablated; a first, truncated pass over all sequences gives the mean activation. Every position from
 * {@code fromPosition} on is scored and replaced (1 when the sequences start with BOS, which keeps its own
 * activation); cross-entropy and KL are taken at the positions that predict tokens 1..T of each sequence.
 */
public final class CoreMetrics {

  /** Logit floats one pass may hold (batch · width · vocabulary): 32 MiB, four passes' worth held at once. */
  static final long MAX_LOGIT_FLOATS = 1L << 23;

  /** How often a sequence-batch is done: fraction in [0, 1]; may throw to stop (cancellation). */
  public interface Progress {
    void report(double fraction);
  }

  /**
   * @param fromPosition first scored and replaced position of each sequence (1 after a BOS)
   * @param denseThreshold firing frequency above which a latent counts as dense (SAEBench's 10 %: 0.1)
   */
  public record Options(int fromPosition, double denseThreshold) {

    public Options {
      if (fromPosition < 0 || !(denseThreshold > 0 && denseThreshold <= 1)) {
        throw new IllegalArgumentException("fromPosition ≥ 0 and denseThreshold in (0, 1] are required");
      }
    }

    public static Options afterBos() {
      return new Options(1, 0.1);
    }
  }

  private CoreMetrics() {}

  public static CoreMetricsResult compute(HookedTransformer model, HookPoint hook, Dictionary dictionary,
      List<int[]> sequences, Options options, Progress progress) {
    if (hook.layer() >= model.config().nLayers()) {
      throw new IllegalArgumentException("hook " + hook.name() + " is outside the model's " + model.config().nLayers()
          + " layers");
    }
    int d = HookPoint.width(hook.kind(), model.config());
    if (dictionary.inputWidth() != d) {
      throw new IllegalArgumentException("the dictionary reads " + dictionary.inputWidth() + " values, "
          + hook.name() + " has width " + d);
    }
    for (int[] s : sequences) {
      if (s.length < Math.max(2, options.fromPosition() + 1)) {
        throw new IllegalArgumentException("every sequence needs a scored position and a next token; one has "
            + s.length + " tokens");
      }
    }
    List<List<int[]>> batches = batches(sequences, model.config().vocabSize());
    double[] mean = meanActivation(model, hook, batches, options.fromPosition(), d);
    Accumulator sums = new Accumulator(dictionary.latents(), sequences.size());
    int done = 0;
    int sequenceIndex = 0;
    for (List<int[]> batch : batches) {
      scoreBatch(model, hook, dictionary, batch, options.fromPosition(), mean, sums, sequenceIndex);
      sequenceIndex += batch.size();
      progress.report(++done / (double) batches.size());
    }
    return sums.result(options.denseThreshold());
  }

  /** Sequences in order, grouped so that one pass's logits stay under {@link #MAX_LOGIT_FLOATS}. */
  private static List<List<int[]>> batches(List<int[]> sequences, int vocab) {
    List<List<int[]>> out = new ArrayList<>();
    List<int[]> current = new ArrayList<>();
    int width = 0;
    for (int[] s : sequences) {
      int newWidth = Math.max(width, s.length);
      if (!current.isEmpty() && (long) (current.size() + 1) * newWidth * vocab > MAX_LOGIT_FLOATS) {
        out.add(current);
        current = new ArrayList<>();
        newWidth = s.length;
      }
      current.add(s);
      width = newWidth;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** μ: the mean activation at the hook over every scored position of every sequence. */
  private static double[] meanActivation(HookedTransformer model, HookPoint hook, List<List<int[]>> batches,
      int from, int d) {
    double[] sum = new double[d];
    long count = 0;
    for (List<int[]> batch : batches) {
      TokenBatch tokens = TokenBatch.rightPadded(batch.toArray(int[][]::new));
      ForwardResult pass = model.forward(tokens, HookSpec.logits(LogitsMode.NONE).withCapture(hook.name()));
      float[] values = pass.captureFlat(hook.name());
      for (int b = 0; b < batch.size(); b++) {
        for (int t = from; t < batch.get(b).length; t++) {
          int offset = (b * tokens.width() + t) * d;
          for (int i = 0; i < d; i++) {
            sum[i] += values[offset + i];
          }
          count++;
        }
      }
    }
    for (int i = 0; i < d; i++) {
      sum[i] /= count;
    }
    return sum;
  }

  private static void scoreBatch(HookedTransformer model, HookPoint hook, Dictionary dictionary, List<int[]> batch,
      int from, double[] mean, Accumulator sums, int firstSequence) {
    TokenBatch tokens = TokenBatch.rightPadded(batch.toArray(int[][]::new));
    int width = tokens.width();
    int d = mean.length;
    ForwardResult clean = model.forward(tokens, HookSpec.logits(LogitsMode.ALL).withCapture(hook.name()));
    float[] x = clean.captureFlat(hook.name());

    List<float[]> rows = new ArrayList<>();
    for (int b = 0; b < batch.size(); b++) {
      for (int t = from; t < batch.get(b).length; t++) {
        rows.add(Arrays.copyOfRange(x, (b * width + t) * d, (b * width + t + 1) * d));
      }
    }
    Dictionary.Encoding encoding = dictionary.encode(rows.toArray(float[][]::new));
    float[] spliced = x.clone();
    float[] meanValues = new float[x.length];
    int row = 0;
    for (int b = 0; b < batch.size(); b++) {
      for (int t = 0; t < width; t++) {
        int offset = (b * width + t) * d;
        for (int i = 0; i < d; i++) {
          meanValues[offset + i] = (float) mean[i];
        }
        if (t >= from && t < batch.get(b).length) {
          float[] original = rows.get(row);
          float[] reconstruction = encoding.reconstructions()[row];
          System.arraycopy(reconstruction, 0, spliced, offset, d);
          sums.addActivation(original, reconstruction, mean, encoding.firing()[row], encoding.l1()[row]);
          row++;
        }
      }
    }
    ForwardResult withSplice = model.forward(tokens, HookSpec.logits(LogitsMode.ALL)
        .withReplacement(new ReplaceActivation(hook.layer(), hook.kind(), spliced, from)));
    ForwardResult zero = model.forward(tokens, HookSpec.logits(LogitsMode.ALL)
        .withReplacement(new ReplaceActivation(hook.layer(), hook.kind(), new float[x.length], from)));
    ForwardResult ablated = model.forward(tokens, HookSpec.logits(LogitsMode.ALL)
        .withReplacement(new ReplaceActivation(hook.layer(), hook.kind(), meanValues, from)));
    for (int b = 0; b < batch.size(); b++) {
      int[] s = batch.get(b);
      for (int t = 0; t + 1 < s.length; t++) {
        double[] logClean = KlDivergence.logSoftmax(clean.logits(b, t));
        double[] logSpliced = KlDivergence.logSoftmax(withSplice.logits(b, t));
        double[] logZero = KlDivergence.logSoftmax(zero.logits(b, t));
        double[] logMean = KlDivergence.logSoftmax(ablated.logits(b, t));
        int next = s[t + 1];
        sums.addPrediction(firstSequence + b, -logClean[next], -logSpliced[next], -logZero[next], -logMean[next],
            KlDivergence.between(logClean, logSpliced), KlDivergence.between(logClean, logZero),
            KlDivergence.between(logClean, logMean));
      }
    }
  }
}
