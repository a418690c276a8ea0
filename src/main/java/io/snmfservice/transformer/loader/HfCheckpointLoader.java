package io.snmfservice.transformer.loader;

import com.google.gson.JsonObject;
import io.snmfservice.transformer.Architecture;
import io.snmfservice.transformer.CanonicalWeights;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.LayerWeights;
import io.snmfservice.transformer.MlpType;
import io.snmfservice.transformer.NormType;
import io.snmfservice.transformer.RopeScaling;
import io.snmfservice.transformer.TransformerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loader of Hugging Face model directories ({@code config.json} + safetensors) for {@code LlamaForCausalLM},
 * {@code GPT2LMHeadModel} and {@code Gemma2ForCausalLM}, translating each family's weight names and layouts into
 * {@link CanonicalWeights}: {@code nn.Linear} weights ({@code [out, in]}) are transposed, GPT-2's Conv1D weights
 * are already {@code [in, out]}, Gemma-2's RMSNorm weights w become 1 + w.
 */
public final class HfCheckpointLoader {

  private HfCheckpointLoader() {}

  public static CanonicalWeights load(Path directory) {
    HfConfig hf = HfConfig.read(directory.resolve("config.json"));
    try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(directory)) {
      return switch (hf.modelType()) {
        case "llama" -> llamaFamily(hf, weights, false);
        case "gemma2" -> llamaFamily(hf, weights, true);
        case "gpt2" -> gpt2(hf, weights);
        default -> throw new IllegalArgumentException(hf.path() + ": unsupported model_type " + hf.modelType()
            + " (supported: llama, gpt2, gemma2)");
      };
    }
  }

  private static CanonicalWeights llamaFamily(HfConfig hf, SafetensorsCheckpoint w, boolean gemma) {
    int d = hf.integer("hidden_size");
    int nLayers = hf.integer("num_hidden_layers");
    int nHeads = hf.integer("num_attention_heads");
    int nKv = hf.integer("num_key_value_heads", nHeads);
    int headDim = hf.integer("head_dim", gemma ? 256 : d / nHeads);
    int dMlp = hf.integer("intermediate_size");
    int vocab = hf.integer("vocab_size");
    String activation = hf.text(gemma ? "hidden_activation" : "hidden_act", gemma ? "gelu_pytorch_tanh" : "silu");
    MlpType mlp = switch (activation) {
      case "silu" -> MlpType.GATED_SILU;
      case "gelu_pytorch_tanh", "gelu_tanh" -> MlpType.GATED_GELU_TANH;
      default -> throw new IllegalArgumentException(hf.path() + ": unsupported activation " + activation);
    };
    RopeScaling scaling = ropeScaling(hf);
    if (gemma) {
      requireSlidingOnEvenLayers(hf, nLayers);
    }
    boolean tied = hf.flag("tie_word_embeddings", gemma) || !w.contains("lm_head.weight");
    float attnScale = gemma
        ? (float) Math.pow(hf.number("query_pre_attn_scalar", 256), -0.5)
        : (float) (1 / Math.sqrt(headDim));
    TransformerConfig config = new TransformerConfig(gemma ? Architecture.GEMMA2 : Architecture.LLAMA, nLayers, d,
        nHeads, nKv, headDim, dMlp, vocab, hf.integer("max_position_embeddings", gemma ? 8192 : 2048), NormType.RMS,
        (float) hf.number("rms_norm_eps", 1e-6), mlp, true, hf.number("rope_theta", 10000.0), scaling, attnScale,
        gemma ? (float) hf.number("attn_logit_softcapping", 0) : 0f,
        gemma ? (float) hf.number("final_logit_softcapping", 0) : 0f,
        gemma ? hf.integer("sliding_window", 0) : 0, gemma, gemma ? (float) Math.sqrt(d) : 1f,
        hf.tokenId("bos_token_id", -1), hf.tokenId("eos_token_id", -1));

    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < nLayers; l++) {
      String p = "model.layers." + l + ".";
      HostTensor qkv = HostTensor.concatColumns(linear(w, p + "self_attn.q_proj"), linear(w, p + "self_attn.k_proj"),
          linear(w, p + "self_attn.v_proj"));
      HostTensor qkvBias = w.contains(p + "self_attn.q_proj.bias")
          ? concat(w.read(p + "self_attn.q_proj.bias"), w.read(p + "self_attn.k_proj.bias"), w.read(p + "self_attn.v_proj.bias"))
          : null;
      HostTensor mlpIn = HostTensor.concatColumns(linear(w, p + "mlp.gate_proj"), linear(w, p + "mlp.up_proj"));
      HostTensor mlpInBias = w.contains(p + "mlp.gate_proj.bias")
          ? concat(w.read(p + "mlp.gate_proj.bias"), w.read(p + "mlp.up_proj.bias")) : null;
      layers.add(new LayerWeights(
          norm(w, p + "input_layernorm.weight", gemma), null, qkv, qkvBias,
          linear(w, p + "self_attn.o_proj"), optional(w, p + "self_attn.o_proj.bias"),
          gemma ? norm(w, p + "post_attention_layernorm.weight", true) : null,
          norm(w, p + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), gemma), null,
          mlpIn, mlpInBias, linear(w, p + "mlp.down_proj"), optional(w, p + "mlp.down_proj.bias"),
          gemma ? norm(w, p + "post_feedforward_layernorm.weight", true) : null));
    }
    HostTensor embedding = w.read("model.embed_tokens.weight");
    HostTensor unembedding = tied ? embedding : w.read("lm_head.weight");
    return new CanonicalWeights(config, embedding, null, layers, norm(w, "model.norm.weight", gemma), null, unembedding);
  }

  /** Gemma-2 slides on even layers; newer configs spell this out as {@code layer_types}: refuse anything else. */
  private static void requireSlidingOnEvenLayers(HfConfig hf, int nLayers) {
    if (!hf.has("layer_types")) {
      return;
    }
    var types = hf.array("layer_types");
    for (int l = 0; l < Math.min(nLayers, types.size()); l++) {
      String expected = l % 2 == 0 ? "sliding_attention" : "full_attention";
      if (!types.get(l).getAsString().equals(expected)) {
        throw new IllegalArgumentException(hf.path() + ": layer_types[" + l + "] is " + types.get(l).getAsString()
            + "; only Gemma-2's alternation (sliding on even layers) is supported");
      }
    }
  }

  private static RopeScaling ropeScaling(HfConfig hf) {
    JsonObject scaling = hf.object("rope_scaling");
    if (scaling == null) {
      return null;
    }
    String type = scaling.has("rope_type") ? scaling.get("rope_type").getAsString()
        : scaling.has("type") ? scaling.get("type").getAsString() : "default";
    if (type.equals("default")) {
      return null;
    }
    if (!type.equals("llama3")) {
      throw new IllegalArgumentException(hf.path() + ": unsupported rope_scaling type " + type + " (supported: llama3)");
    }
    return new RopeScaling(scaling.get("factor").getAsDouble(), scaling.get("low_freq_factor").getAsDouble(),
        scaling.get("high_freq_factor").getAsDouble(), scaling.get("original_max_position_embeddings").getAsInt());
  }

  private static CanonicalWeights gpt2(HfConfig hf, SafetensorsCheckpoint w) {
    int d = hf.integer("n_embd");
    int nLayers = hf.integer("n_layer");
    int nHeads = hf.integer("n_head");
    int dMlp = hf.integer("n_inner", 4 * d);
    String activation = hf.text("activation_function", "gelu_new");
    if (!activation.equals("gelu_new") && !activation.equals("gelu_pytorch_tanh")) {
      throw new IllegalArgumentException(hf.path() + ": unsupported GPT-2 activation " + activation);
    }
    String prefix = w.contains("transformer.wte.weight") ? "transformer." : "";
    int headDim = d / nHeads;
    TransformerConfig config = new TransformerConfig(Architecture.GPT2, nLayers, d, nHeads, nHeads, headDim, dMlp,
        hf.integer("vocab_size"), hf.integer("n_positions", hf.integer("n_ctx", 1024)), NormType.LAYER,
        (float) hf.number("layer_norm_epsilon", 1e-5), MlpType.GELU_TANH, false, 0, null,
        (float) (1 / Math.sqrt(headDim)), 0f, 0f, 0, false, 1f,
        hf.tokenId("bos_token_id", 50256), hf.tokenId("eos_token_id", 50256));
    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < nLayers; l++) {
      String p = prefix + "h." + l + ".";
      layers.add(new LayerWeights(
          w.read(p + "ln_1.weight"), w.read(p + "ln_1.bias"),
          w.read(p + "attn.c_attn.weight"), w.read(p + "attn.c_attn.bias"),
          w.read(p + "attn.c_proj.weight"), w.read(p + "attn.c_proj.bias"), null,
          w.read(p + "ln_2.weight"), w.read(p + "ln_2.bias"),
          w.read(p + "mlp.c_fc.weight"), w.read(p + "mlp.c_fc.bias"),
          w.read(p + "mlp.c_proj.weight"), w.read(p + "mlp.c_proj.bias"), null));
    }
    HostTensor embedding = w.read(prefix + "wte.weight");
    return new CanonicalWeights(config, embedding, w.read(prefix + "wpe.weight"), layers,
        w.read(prefix + "ln_f.weight"), w.read(prefix + "ln_f.bias"), embedding);
  }

  /** An {@code nn.Linear} weight {@code [out, in]} as canonical {@code [in, out]}. */
  private static HostTensor linear(SafetensorsCheckpoint w, String name) {
    return w.read(name + ".weight").transpose();
  }

  private static HostTensor optional(SafetensorsCheckpoint w, String name) {
    return w.contains(name) ? w.read(name) : null;
  }

  /** Gemma-2's RMSNorm multiplies by (1 + w): fold the 1 in so one RMSNorm serves all families. */
  private static HostTensor norm(SafetensorsCheckpoint w, String name, boolean gemma) {
    HostTensor weight = w.read(name);
    return gemma ? weight.plus(1f) : weight;
  }

  private static HostTensor concat(HostTensor... vectors) {
    int size = 0;
    for (HostTensor v : vectors) {
      size += v.data().length;
    }
    float[] out = new float[size];
    int offset = 0;
    for (HostTensor v : vectors) {
      System.arraycopy(v.data(), 0, out, offset, v.data().length);
      offset += v.data().length;
    }
    return new HostTensor(out, size);
  }
}
