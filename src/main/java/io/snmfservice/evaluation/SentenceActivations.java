package io.snmfservice.evaluation;

import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code blocks.{layer}.mlp.hook_post} (or any other hook's) activations of labelled sentences, one {@code [tokens][d_mlp]} matrix
 * per sentence. Each sentence runs as BOS + encode(text) (BOS only when the model has one); the BOS row is left
 * out, as it is from the factorized activations, so the matrices hold exactly the sentence's own tokens.
 */
public final class SentenceActivations {

  private static final int BATCH = 16;

  private SentenceActivations() {}

  /** Encodes and reads the sentences; a sentence that encodes to no tokens is an error. */
  public static List<float[][]> read(HookedTransformer model, TextTokenizer tokenizer, int layer,
      List<String> sentences) {
    return read(model, tokenizer, HookPoint.mlpPost(layer), sentences);
  }

  /** As {@link #read(HookedTransformer, TextTokenizer, int, List)} at any hook point (TransformerLens name). */
  public static List<float[][]> read(HookedTransformer model, TextTokenizer tokenizer, String hook,
      List<String> sentences) {
    int bos = model.config().bosId();
    List<int[]> ids = new ArrayList<>();
    for (String sentence : sentences) {
      int[] tokens = tokenizer.encode(sentence);
      if (tokens.length == 0) {
        throw new IllegalArgumentException("sentence '" + sentence + "' has no tokens");
      }
      if (bos >= 0) {
        int[] withBos = new int[tokens.length + 1];
        withBos[0] = bos;
        System.arraycopy(tokens, 0, withBos, 1, tokens.length);
        tokens = withBos;
      }
      ids.add(tokens);
    }
    return readTokens(model, hook, ids, bos >= 0 ? 1 : 0);
  }

  /**
   * Reads token sequences as given.
   *
   * @param skip leading positions left out of each matrix (1 for a BOS)
   */
  public static List<float[][]> readTokens(HookedTransformer model, int layer, List<int[]> sequences, int skip) {
    return readTokens(model, HookPoint.mlpPost(layer), sequences, skip);
  }

  /** As {@link #readTokens(HookedTransformer, int, List, int)} at any hook point (TransformerLens name). */
  public static List<float[][]> readTokens(HookedTransformer model, String hook, List<int[]> sequences, int skip) {
    List<float[][]> out = new ArrayList<>();
    for (int from = 0; from < sequences.size(); from += BATCH) {
      List<int[]> chunk = sequences.subList(from, Math.min(from + BATCH, sequences.size()));
      ForwardResult result = model.forward(TokenBatch.rightPadded(chunk.toArray(int[][]::new)),
          HookSpec.logits(LogitsMode.NONE).withCapture(hook));
      for (int b = 0; b < chunk.size(); b++) {
        int length = chunk.get(b).length;
        if (length <= skip) {
          throw new IllegalArgumentException("sequence " + (from + b) + " has no tokens after the first " + skip);
        }
        float[][] rows = new float[length - skip][];
        for (int t = skip; t < length; t++) {
          rows[t - skip] = result.capture(hook, b, t);
        }
        out.add(rows);
      }
    }
    return out;
  }
}
