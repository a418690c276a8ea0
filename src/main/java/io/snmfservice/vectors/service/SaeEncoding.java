package io.snmfservice.vectors.service;

import io.snmfservice.errors.Invalid;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.security.CallerPermits;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.vectors.SaeEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Runs text (or token ids) through the model and encodes the hook's activations with a vector set's SAE, under the
 * caller's model-compute permit: {@code POST /v1/vector-sets/{id}/encode} and the dashboard's encode form.
 */
@Service
public class SaeEncoding {

  private final VectorSetService sets;
  private final ModelRuntime runtime;
  private final CallerPermits permits;

  SaeEncoding(VectorSetService sets, ModelRuntime runtime, CallerPermits permits) {
    this.sets = sets;
    this.runtime = runtime;
    this.permits = permits;
  }

  /** Per token: the largest SAE latents, L0 and the reconstruction's mean squared error. */
  public record TokenLatents(int position, int tokenId, String token, int[] ids, float[] values, int l0,
      double reconstructionMse) {}

  public record Encoding(long vectorSetId, String hook, int[] tokens, List<TokenLatents> latents) {}

  public Encoding encode(long id, EncodeRequest r) {
    VectorSetView set = sets.get(id);
    boolean hasTokens = r.tokens() != null && r.tokens().length > 0; // generated clients send [] for "none"
    if ((r.text() != null) == hasTokens) {
      throw Invalid.malformed("give exactly one of text and tokens");
    }
    int top = r.top() == null ? 10 : r.top();
    // the permit before the encoder: loading its weights is part of the cost
    try (CallerPermits.Compute permit = permits.acquireCompute("encoding");
        ModelRuntime.Lease lease = runtime.acquire(set.modelId())) {
      SaeEncoder encoder = sets.encoder(id);
      permit.checkTime();
      HookedTransformer model = lease.get().transformer();
      int[] tokens = hasTokens ? r.tokens() : lease.get().tokenizer().encode(r.text());
      int bos = model.config().bosId();
      if (r.text() != null && bos >= 0 && !Boolean.FALSE.equals(r.prependBos())) {
        int[] withBos = new int[tokens.length + 1];
        withBos[0] = bos;
        System.arraycopy(tokens, 0, withBos, 1, tokens.length);
        tokens = withBos;
      }
      if (tokens.length == 0 || tokens.length > Math.min(256, model.config().maxContext())) {
        throw Invalid.value((hasTokens ? "tokens" : "text") + ": need 1.."
            + Math.min(256, model.config().maxContext()) + " tokens, got " + tokens.length);
      }
      ForwardResult result;
      try {
        result = model.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.NONE).withCapture(set.hook()));
      } catch (IllegalArgumentException e) {
        throw Invalid.value(e.getMessage());
      }
      List<TokenLatents> out = new ArrayList<>();
      for (int t = 0; t < tokens.length; t++) {
        permit.checkTime();
        float[] x = result.capture(set.hook(), 0, t);
        float[] f = encoder.encode(x);
        float[] xHat = encoder.decode(f);
        double mse = 0;
        for (int i = 0; i < x.length; i++) {
          mse += ((double) x[i] - xHat[i]) * ((double) x[i] - xHat[i]);
        }
        int l0 = 0;
        for (float v : f) {
          l0 += v > 0 ? 1 : 0;
        }
        Integer[] order = new Integer[f.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -f[i]).thenComparingInt(i -> i));
        int k = Math.min(top, f.length);
        int[] ids = new int[k];
        float[] values = new float[k];
        for (int i = 0; i < k; i++) {
          ids[i] = order[i];
          values[i] = f[order[i]];
        }
        out.add(new TokenLatents(t, tokens[t], lease.get().tokenizer().tokenText(tokens[t]), ids, values, l0,
            mse / x.length));
      }
      return new Encoding(id, set.hook(), tokens, out);
    }
  }
}
