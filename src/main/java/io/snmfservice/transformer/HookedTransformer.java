package io.snmfservice.transformer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.util.HashMap;
import java.util.Map;

/**
 * The service's own decoder-only transformer forward pass, written once with DJL NDArray operations (PyTorch
 * engine) for every supported family; the families differ only in {@link TransformerConfig} switches and in how
 * their loaders fill {@link CanonicalWeights}.
 *
 * <pre>
 * x = embed[tokens] · embeddingScale (+ posEmbed[positions])                 [B, T, d]
 * for each block L:
 *   hook_resid_pre                     (x = splice?(x) + α·z for interventions there, then captured)
 *   a = attention(norm(x)) (rotary on q, k; causal, padding and sliding-window mask; soft-cap)
 *   x = x + postAttnNorm?(a)
 *   post = act(norm(x) · W_in + b_in)                                          [B, T, d_mlp]
 *   post += α·z  (interventions);  mlp.hook_post
 *   out = postMlpNorm?(post · W_out + b_out);  hook_mlp_out
 *   x = x + out;  hook_resid_post
 * logits = softcap(finalNorm(x) · W_Uᵀ)                                         [B, T, V]
 * </pre>
 *
 * <p>Native memory: the weights live in this object's manager until {@link #close()}; every call opens a child
 * manager in try-with-resources and returns plain Java arrays, so nothing native outlives a call except a
 * {@link KvCache} the caller owns. Thread-safety: the weights are never modified, so concurrent
 * {@code forward}/{@code generate}/{@code projectMlpDirectionToVocab} calls from several threads are safe (each
 * with its own {@link KvCache}); {@link #close()} must not race with them.
 */
public final class HookedTransformer implements AutoCloseable {

  /** Additive attention mask for hidden keys: finite so a fully masked (padding) row stays NaN-free. */
  private static final float MASKED = -1e9f;

  private final TransformerConfig config;
  private final NDManager manager;
  private final NDArray tokenEmbedding;
  private final NDArray positionEmbedding;
  private final NDArray finalNormWeight;
  private final NDArray finalNormBias;
  private final NDArray unembeddingT;
  private final Block[] blocks;
  private final NDArray inverseFrequencies;

  /** One block's weights as native arrays. */
  private record Block(
      NDArray attnNormWeight, NDArray attnNormBias, NDArray qkv, NDArray qkvBias, NDArray attnOut,
      NDArray attnOutBias, NDArray postAttnNormWeight, NDArray mlpNormWeight, NDArray mlpNormBias, NDArray mlpIn,
      NDArray mlpInBias, NDArray mlpOut, NDArray mlpOutBias, NDArray postMlpNormWeight) {}

  private HookedTransformer(CanonicalWeights weights, Device device) {
    this.config = weights.config();
    this.manager = NDManager.newBaseManager(device, "PyTorch");
    this.tokenEmbedding = upload(weights.tokenEmbedding());
    this.positionEmbedding = upload(weights.positionEmbedding());
    this.finalNormWeight = upload(weights.finalNormWeight());
    this.finalNormBias = upload(weights.finalNormBias());
    NDArray unembedding = weights.unembedding() == weights.tokenEmbedding()
        ? tokenEmbedding : upload(weights.unembedding());
    this.unembeddingT = unembedding.transpose(); // a view: tied weights are stored once
    this.blocks = new Block[config.nLayers()];
    for (int i = 0; i < blocks.length; i++) {
      LayerWeights w = weights.layers().get(i);
      blocks[i] = new Block(upload(w.attnNormWeight()), upload(w.attnNormBias()), upload(w.qkv()),
          upload(w.qkvBias()), upload(w.attnOut()), upload(w.attnOutBias()), upload(w.postAttnNormWeight()),
          upload(w.mlpNormWeight()), upload(w.mlpNormBias()), upload(w.mlpIn()), upload(w.mlpInBias()),
          upload(w.mlpOut()), upload(w.mlpOutBias()), upload(w.postMlpNormWeight()));
    }
    this.inverseFrequencies = config.rotary() ? manager.create(inverseFrequencies(config), new Shape(1, config.headDim() / 2)) : null;
  }

  /**
   * Builds the model on a device (the process's one device, see {@code ComputeDevice}; a GPU needs a CUDA build of
   * libtorch instead of {@code pytorch-native-cpu}). Weights, activations, KV caches and steering vectors live on
   * that device; a pass's captures and logits come back to the host once per batch, as Java arrays.
   */
  public static HookedTransformer fromWeights(CanonicalWeights weights, Device device) {
    return new HookedTransformer(weights, device);
  }

  public TransformerConfig config() {
    return config;
  }

  /**
   * Rotary inverse frequencies ω_i = θ^(−2i/headDim), i &lt; headDim/2, with Llama-3 scaling when configured.
   */
  static float[] inverseFrequencies(TransformerConfig config) {
    int half = config.headDim() / 2;
    float[] out = new float[half];
    for (int i = 0; i < half; i++) {
      double w = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim());
      out[i] = (float) (config.ropeScaling() == null ? w : config.ropeScaling().scale(w));
    }
    return out;
  }

  private NDArray upload(HostTensor t) {
    return t == null ? null : manager.create(t.data(), new Shape(t.shape()));
  }

  /** A fresh key/value cache for {@code batchSize} sequences; the caller closes it. */
  public KvCache newKvCache(int batchSize) {
    return new KvCache(manager, config.nLayers(), batchSize);
  }

  /** Forward pass over a padded batch without a cache. */
  public ForwardResult forward(TokenBatch batch, HookSpec hooks) {
    return forward(batch, hooks, null);
  }

  /** Forward pass over ragged sequences (right-padded into one batch). */
  public ForwardResult forward(int[][] sequences, HookSpec hooks) {
    return forward(TokenBatch.rightPadded(sequences), hooks, null);
  }

  /**
   * Forward pass over a padded batch. With a cache, the batch continues the cached sequences (positions go on
   * from {@link KvCache#nextPosition(int)}) and its keys/values are appended to the cache.
   */
  public ForwardResult forward(TokenBatch batch, HookSpec hooks, KvCache cache) {
    int nBatch = batch.size();
    int width = batch.width();
    if (cache != null && cache.batchSize() != nBatch) {
      throw new IllegalArgumentException("cache holds " + cache.batchSize() + " sequences, batch has " + nBatch);
    }
    int lastLayer = hooks.logits() == LogitsMode.NONE && cache == null ? hooks.deepestCaptureLayer() : config.nLayers() - 1;
    for (String name : hooks.captures()) {
      if (HookPoint.parse(name).layer() >= config.nLayers()) {
        throw new IllegalArgumentException("model has " + config.nLayers() + " layers, hook " + name);
      }
    }
    for (AddVector v : hooks.interventions()) {
      int needed = HookPoint.width(v.hook(), config);
      if (v.layer() < 0 || v.layer() >= config.nLayers() || v.z().length != needed) {
        throw new IllegalArgumentException("intervention at " + v.hook().suffix() + " needs layer < " + config.nLayers()
            + " and a vector of " + needed + " values, got layer " + v.layer() + ", " + v.z().length + " values");
      }
    }
    for (ReplaceActivation r : hooks.replacements()) {
      long needed = (long) nBatch * width * HookPoint.width(r.hook(), config);
      if (r.layer() < 0 || r.layer() >= config.nLayers() || r.values().length != needed) {
        throw new IllegalArgumentException("replacement at " + r.hook().suffix() + " needs layer < " + config.nLayers()
            + " and " + needed + " values (batch · width · d), got layer " + r.layer() + ", " + r.values().length
            + " values");
      }
    }
    long[] ids = new long[nBatch * width];
    int[][] positions = new int[nBatch][width];
    boolean[][] real = new boolean[nBatch][width];
    int[] lastSlots = new int[nBatch];
    for (int b = 0; b < nBatch; b++) {
      int offset = cache == null ? 0 : cache.nextPosition(b);
      for (int t = 0; t < width; t++) {
        int token = batch.token(b, t);
        if (token < 0 || token >= config.vocabSize()) {
          throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + config.vocabSize());
        }
        ids[b * width + t] = token;
        real[b][t] = batch.isReal(b, t);
        positions[b][t] = real[b][t] ? offset + t - batch.start(b) : 0;
        if (real[b][t] && positions[b][t] >= config.maxContext()) {
          throw new IllegalArgumentException("position " + positions[b][t] + " exceeds the context of " + config.maxContext());
        }
      }
      lastSlots[b] = batch.lastSlot(b);
    }
    if (cache != null) {
      cache.appendSlots(positions, real);
    }

    Map<String, float[]> captures = new HashMap<>();
    Map<String, Integer> captureWidths = new HashMap<>();
    float[] logits = null;
    try (NDManager m = manager.newSubManager()) {
      Pass pass = new Pass(m, nBatch, width, positions, real, cache, hooks, captures, captureWidths);
      NDArray x = tokenEmbedding.get(m, new NDIndex("{}", m.create(ids))).reshape(nBatch, width, config.dModel());
      if (config.embeddingScale() != 1f) {
        x = x.mul(config.embeddingScale());
      }
      if (positionEmbedding != null) {
        x = x.add(positionEmbedding.get(m, new NDIndex("{}", pass.positionIds())).reshape(nBatch, width, config.dModel()));
      }
      for (int layer = 0; layer <= lastLayer; layer++) {
        x = block(pass, layer, x);
      }
      if (hooks.logits() != LogitsMode.NONE) {
        if (hooks.logits() == LogitsMode.LAST) {
          long[] rows = new long[nBatch];
          for (int b = 0; b < nBatch; b++) {
            rows[b] = (long) b * width + lastSlots[b];
          }
          x = x.reshape(nBatch * width, config.dModel()).get(new NDIndex("{}", m.create(rows)));
        }
        logits = unembed(norm(x, finalNormWeight, finalNormBias)).toFloatArray();
      }
    }
    return new ForwardResult(nBatch, width, hooks.logits(), config.vocabSize(), logits, lastSlots, captures, captureWidths);
  }

  /** Per-call state of one forward pass: its memory scope, masks and rotary tables. */
  private final class Pass {
    final NDManager m;
    final int nBatch;
    final int width;
    final int[][] positions;
    final KvCache cache;
    final HookSpec hooks;
    final Map<String, float[]> captures;
    final Map<String, Integer> captureWidths;
    final NDArray cos;
    final NDArray sin;
    final NDArray globalMask;
    final NDArray slidingMask;

    Pass(NDManager m, int nBatch, int width, int[][] positions, boolean[][] real, KvCache cache, HookSpec hooks,
        Map<String, float[]> captures, Map<String, Integer> captureWidths) {
      this.m = m;
      this.nBatch = nBatch;
      this.width = width;
      this.positions = positions;
      this.cache = cache;
      this.hooks = hooks;
      this.captures = captures;
      this.captureWidths = captureWidths;
      if (config.rotary()) {
        // angle[b, t, i] = position · ω_i, as HF computes it in float32
        NDArray angles = positionIds().toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
            .reshape(nBatch * width, 1).matMul(inverseFrequencies).reshape(nBatch, width, 1, config.headDim() / 2);
        cos = angles.cos();
        sin = angles.sin();
      } else {
        cos = null;
        sin = null;
      }
      globalMask = attentionMask(real, 0);
      slidingMask = config.slidingWindow() > 0 ? attentionMask(real, config.slidingWindow()) : null;
    }

    NDArray positionIds() {
      long[] flat = new long[nBatch * width];
      for (int b = 0; b < nBatch; b++) {
        for (int t = 0; t < width; t++) {
          flat[b * width + t] = positions[b][t];
        }
      }
      return m.create(flat);
    }

    /**
     * Additive mask {@code [B, 1, 1, T, S]} over the cached plus new slots: key k is visible from query q iff it is
     * a real token, pos_k ≤ pos_q and (window = 0 or pos_q − pos_k &lt; window).
     */
    private NDArray attentionMask(boolean[][] real, int window) {
      int cached = cache == null ? 0 : cache.slots() - width;
      int keys = cached + width;
      float[] mask = new float[nBatch * width * keys];
      for (int b = 0; b < nBatch; b++) {
        for (int k = 0; k < keys; k++) {
          boolean keyReal = cache != null ? cache.isReal(b, k) : real[b][k];
          int keyPos = cache != null ? cache.position(b, k) : positions[b][k];
          for (int q = 0; q < width; q++) {
            int queryPos = positions[b][q];
            boolean visible = keyReal && keyPos <= queryPos && (window == 0 || queryPos - keyPos < window);
            mask[(b * width + q) * keys + k] = visible ? 0f : MASKED;
          }
        }
      }
      return m.create(mask, new Shape(nBatch, 1, 1, width, keys));
    }

    NDArray maskFor(int layer) {
      return config.slidingWindowOn(layer) ? slidingMask : globalMask;
    }

    void capture(String name, NDArray value) {
      if (hooks.captures().contains(name)) {
        captures.put(name, value.toFloatArray());
        captureWidths.put(name, (int) value.getShape().get(value.getShape().dimension() - 1));
      }
    }

    /** 1 where a slot's position is ≥ from, else 0: {@code [B, T, 1]}. */
    NDArray positionsFrom(int from) {
      float[] flags = new float[nBatch * width];
      for (int b = 0; b < nBatch; b++) {
        for (int t = 0; t < width; t++) {
          flags[b * width + t] = positions[b][t] >= from ? 1f : 0f;
        }
      }
      return m.create(flags, new Shape(nBatch, width, 1));
    }
  }

  private NDArray block(Pass pass, int layer, NDArray x) {
    Block w = blocks[layer];
    x = intervene(pass, layer, HookPoint.Kind.RESID_PRE, x);
    pass.capture(HookPoint.residPre(layer), x);
    NDArray attn = attention(pass, layer, norm(x, w.attnNormWeight(), w.attnNormBias()));
    if (w.postAttnNormWeight() != null) {
      attn = norm(attn, w.postAttnNormWeight(), null);
    }
    x = x.add(attn);

    NDArray post = mlpActivation(addBias(norm(x, w.mlpNormWeight(), w.mlpNormBias()).matMul(w.mlpIn()), w.mlpInBias()));
    post = intervene(pass, layer, HookPoint.Kind.MLP_POST, post);
    pass.capture(HookPoint.mlpPost(layer), post);
    NDArray out = addBias(post.matMul(w.mlpOut()), w.mlpOutBias());
    if (w.postMlpNormWeight() != null) {
      out = norm(out, w.postMlpNormWeight(), null);
    }
    out = intervene(pass, layer, HookPoint.Kind.MLP_OUT, out);
    pass.capture(HookPoint.mlpOut(layer), out);
    x = x.add(out);
    x = intervene(pass, layer, HookPoint.Kind.RESID_POST, x);
    pass.capture(HookPoint.residPost(layer), x);
    return x;
  }

  /**
   * Applies the splices of this layer and hook to {@code value}, then adds its steering vectors (captures there see
   * the changed value).
   */
  private static NDArray intervene(Pass pass, int layer, HookPoint.Kind hook, NDArray value) {
    for (ReplaceActivation r : pass.hooks.replacements()) {
      if (r.layer() == layer && r.hook() == hook) {
        NDArray replaced = pass.m.create(r.values(), value.getShape());
        NDArray mask = pass.positionsFrom(r.fromPosition()).gt(0f).broadcast(value.getShape());
        value = ai.djl.ndarray.NDArrays.where(mask, replaced, value);
      }
    }
    for (AddVector v : pass.hooks.interventions()) {
      if (v.layer() == layer && v.hook() == hook) {
        NDArray delta = pass.m.create(v.z()).mul(v.alpha());
        value = value.add(v.fromPosition() == 0 ? delta : pass.positionsFrom(v.fromPosition()).mul(delta));
      }
    }
    return value;
  }

  /**
   * Multi-head attention with grouped keys/values: query head h uses key/value head h / (nHeads / nKvHeads).
   * scores = softcap((q·scale)·kᵀ) + mask; out = softmax(scores)·v · W_O.
   */
  private NDArray attention(Pass pass, int layer, NDArray h) {
    Block w = blocks[layer];
    int nBatch = pass.nBatch;
    int width = pass.width;
    int nHeads = config.nHeads();
    int nKv = config.nKvHeads();
    int group = nHeads / nKv;
    int headDim = config.headDim();

    NDArray qkv = addBias(h.matMul(w.qkv()), w.qkvBias()).reshape(nBatch, width, nHeads + 2L * nKv, headDim);
    NDList qkAndV = qkv.split(new long[] {nHeads + nKv}, 2);
    NDArray qk = qkAndV.get(0);
    if (config.rotary()) {
      qk = rotate(qk, pass.cos, pass.sin);
    }
    NDList qAndK = qk.split(new long[] {nHeads}, 2);
    NDArray q = qAndK.get(0).mul(config.attnScale())
        .reshape(nBatch, width, nKv, group, headDim).transpose(0, 2, 3, 1, 4)
        .reshape(nBatch, nKv, (long) group * width, headDim);
    NDArray k = qAndK.get(1).transpose(0, 2, 1, 3);
    NDArray v = qkAndV.get(1).transpose(0, 2, 1, 3);
    if (pass.cache != null) {
      NDArray[] all = pass.cache.append(layer, k, v);
      k = all[0];
      v = all[1];
    }
    long keys = k.getShape().get(2);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).reshape(nBatch, nKv, group, width, keys);
    if (config.attnSoftcap() > 0) {
      scores = scores.div(config.attnSoftcap()).tanh().mul(config.attnSoftcap());
    }
    NDArray probs = scores.add(pass.maskFor(layer)).softmax(-1).reshape(nBatch, nKv, (long) group * width, keys);
    NDArray context = probs.matMul(v).reshape(nBatch, nKv, group, width, headDim).transpose(0, 3, 1, 2, 4)
        .reshape(nBatch, width, (long) nHeads * headDim);
    return addBias(context.matMul(w.attnOut()), w.attnOutBias());
  }

  /** Rotate-half RoPE on {@code [B, T, heads, headDim]}: (x₁, x₂) → (x₁·cos − x₂·sin, x₂·cos + x₁·sin). */
  private NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
    NDList halves = x.split(2, 3);
    NDArray x1 = halves.get(0);
    NDArray x2 = halves.get(1);
    return x1.mul(cos).sub(x2.mul(sin)).concat(x2.mul(cos).add(x1.mul(sin)), 3);
  }

  private NDArray mlpActivation(NDArray pre) {
    switch (config.mlpType()) {
      case GELU_TANH:
        return geluTanh(pre);
      case GATED_SILU: {
        NDList gateUp = pre.split(2, 2);
        NDArray gate = gateUp.get(0);
        return gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1));
      }
      case GATED_GELU_TANH: {
        NDList gateUp = pre.split(2, 2);
        return geluTanh(gateUp.get(0)).mul(gateUp.get(1));
      }
      default:
        throw new IllegalStateException("unknown MLP type " + config.mlpType());
    }
  }

  /** gelu_tanh(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  private static NDArray geluTanh(NDArray x) {
    NDArray inner = x.mul(x).mul(x).mul(0.044715f).add(x).mul((float) Math.sqrt(2 / Math.PI));
    return inner.tanh().add(1f).mul(x).mul(0.5f);
  }

  /** RMSNorm x / √(mean(x²) + ε) · w, or LayerNorm (x − μ) / √(σ² + ε) · w + b. */
  private NDArray norm(NDArray x, NDArray weight, NDArray bias) {
    if (config.normType() == NormType.LAYER) {
      return LayerNorm.layerNorm(x, new Shape(config.dModel()), weight, bias, config.normEps()).singletonOrThrow();
    }
    NDArray rms = x.mul(x).mean(new int[] {-1}, true).add(config.normEps()).sqrt();
    return x.div(rms).mul(weight);
  }

  private static NDArray addBias(NDArray x, NDArray bias) {
    return bias == null ? x : x.add(bias);
  }

  /** logits = softcap(x · W_Uᵀ), softcap(l) = c·tanh(l/c) when configured. */
  private NDArray unembed(NDArray normalized) {
    NDArray logits = normalized.matMul(unembeddingT);
    if (config.finalSoftcap() > 0) {
      logits = logits.div(config.finalSoftcap()).tanh().mul(config.finalSoftcap());
    }
    return logits;
  }

  /**
   * Generates up to {@code maxNewTokens} tokens after {@code prompt} with a KV cache, applying the
   * interventions of {@code hooks} (its captures, splices and logits mode are ignored) at every step.
   *
   * @return prompt followed by the generated ids
   */
  public int[] generate(int[] prompt, int maxNewTokens, SamplingConfig sampling, HookSpec hooks, long seed) {
    return generate(prompt, 1, maxNewTokens, sampling, hooks, seed)[0];
  }

  /**
   * Generates {@code count} continuations of one prompt together (one batch, one KV cache), e.g. the n steered
   * samples of a steering run. Row r draws from its own generator seeded with {@code seed + r}; the same
   * arguments give the same rows.
   *
   * @return per row: prompt followed by its generated ids (shorter rows stopped at EOS when asked)
   */
  public int[][] generate(int[] prompt, int count, int maxNewTokens, SamplingConfig sampling, HookSpec hooks, long seed) {
    if (prompt.length == 0 || count < 1) {
      throw new IllegalArgumentException("need a non-empty prompt and count ≥ 1");
    }
    HookSpec steps = new HookSpec(java.util.Set.of(), hooks.interventions(), LogitsMode.LAST);
    int budget = Math.max(0, Math.min(maxNewTokens, config.maxContext() - prompt.length));
    TokenSampler[] samplers = new TokenSampler[count];
    int[][] rows = new int[count][];
    int[][] out = new int[count][];
    for (int r = 0; r < count; r++) {
      samplers[r] = new TokenSampler(sampling, seed + r);
      rows[r] = prompt;
      out[r] = java.util.Arrays.copyOf(prompt, prompt.length + budget);
    }
    int[] produced = new int[count];
    boolean[] finished = new boolean[count];
    try (KvCache cache = newKvCache(count)) {
      ForwardResult result = forward(TokenBatch.rightPadded(rows), steps, cache);
      for (int step = 0; step < budget; step++) {
        int[][] next = new int[count][1];
        boolean allFinished = true;
        for (int r = 0; r < count; r++) {
          int token = samplers[r].next(result.lastLogits(r));
          next[r][0] = token;
          if (!finished[r]) {
            out[r][prompt.length + produced[r]++] = token;
            finished[r] = sampling.stopAtEos() && token == config.eosId();
          }
          allFinished &= finished[r];
        }
        if (allFinished || step == budget - 1) {
          break;
        }
        result = forward(TokenBatch.rightPadded(next), steps, cache);
      }
    }
    for (int r = 0; r < count; r++) {
      out[r] = java.util.Arrays.copyOf(out[r], prompt.length + produced[r]);
    }
    return out;
  }

  /**
   * Vocabulary projection of an MLP-space direction f of block {@code layer} (docs/architecture.md,
   * "Vocabulary projection"):
   * unembed(finalNorm(W_out · f)) for GPT-2 and Llama; for Gemma-2
   * softcap(unembed(finalNorm(postMlpNorm(W_out · f + b_out)))) — the final soft-cap is monotone, so it leaves
   * the token ranking unchanged and keeps the values on the model's logit scale. The output bias is left out for
   * GPT-2 (a direction, not an activation).
   *
   * @return one score per vocabulary entry
   */
  public float[] projectMlpDirectionToVocab(int layer, float[] direction) {
    if (direction.length != config.dMlp()) {
      throw new IllegalArgumentException("direction needs " + config.dMlp() + " values, got " + direction.length);
    }
    Block w = blocks[layer];
    try (NDManager m = manager.newSubManager()) {
      NDArray out = m.create(direction, new Shape(1, config.dMlp())).matMul(w.mlpOut());
      if (w.postMlpNormWeight() != null) {
        out = norm(addBias(out, w.mlpOutBias()), w.postMlpNormWeight(), null);
      }
      return unembed(norm(out, finalNormWeight, finalNormBias)).toFloatArray();
    }
  }

  /**
   * Vocabulary projection of a residual-stream direction (d_model; e.g. an SAE decoder row at hook_resid_post or
   * hook_mlp_out): softcap(unembed(finalNorm(z))), the logit-lens reading of z.
   */
  public float[] projectResidualDirectionToVocab(float[] direction) {
    if (direction.length != config.dModel()) {
      throw new IllegalArgumentException("direction needs " + config.dModel() + " values, got " + direction.length);
    }
    try (NDManager m = manager.newSubManager()) {
      return unembed(norm(m.create(direction, new Shape(1, config.dModel())), finalNormWeight, finalNormBias))
          .toFloatArray();
    }
  }

  /** The MLP output projection of a block as {@code [d_mlp][d_model]} (for callers that map features back). */
  public float[][] mlpOutWeights(int layer) {
    float[] flat = blocks[layer].mlpOut().toFloatArray();
    float[][] out = new float[config.dMlp()][config.dModel()];
    for (int i = 0; i < config.dMlp(); i++) {
      System.arraycopy(flat, i * config.dModel(), out[i], 0, config.dModel());
    }
    return out;
  }

  /** Native arrays currently owned by this model and its open child scopes (weights, live caches). */
  int liveNativeArrays() {
    return manager.getManagedArrays().size();
  }

  /** Releases the weights' native memory. */
  @Override
  public void close() {
    manager.close();
  }
}
