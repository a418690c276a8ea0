package io.snmfservice.transformer.loader;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static io.snmfservice.transformer.Reference.ints;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.SingleThreadedTorch;
import io.snmfservice.transformer.TokenBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stories260K weights converted by this test into Hugging Face Llama layout (as llama2.c's export script does:
 * {@code [out, in]} linears, wq/wk rows permuted from interleaved RoPE pairs to rotate-half) must load through
 * the HF path and reproduce llama2.c's logits — checking the HF Llama loader independently of the llama2.c one.
 */
@ExtendWith(SingleThreadedTorch.class)
class Stories260kAsHfLlamaTest {

  private static final int DIM = 64;
  private static final int HIDDEN = 172;
  private static final int LAYERS = 5;
  private static final int HEADS = 8;
  private static final int KV_HEADS = 4;
  private static final int VOCAB = 512;
  private static final int SEQ_LEN = 512;
  private static final int HEAD_DIM = DIM / HEADS;

  @TempDir
  Path dir;

  @Test
  void hfLlamaExportOfStories260kGivesLlama2cLogits() throws Exception {
    writeHfLlama(false);
    assertLogitsMatchReference();
  }

  @Test
  void shardedHfLlamaExportLoadsThroughTheIndex() throws Exception {
    writeHfLlama(true);
    assertThat(dir.resolve("model.safetensors.index.json")).exists();
    assertLogitsMatchReference();
  }

  private void assertLogitsMatchReference() {
    JsonObject reference = Reference.json(Reference.shared("fixtures", "stories260K-reference.json"));
    int[] tokens = ints(reference.getAsJsonArray("tokens"));
    try (HookedTransformer model = TransformerLoader.load(dir, TestDevice.get())) {
      assertThat(model.config().nKvHeads()).isEqualTo(KV_HEADS);
      ForwardResult result = model.forward(TokenBatch.single(tokens), HookSpec.none());
      JsonArray logits = reference.getAsJsonArray("logits");
      for (int pos = 0; pos < tokens.length; pos++) {
        assertClose(result.logits(0, pos), logits.get(pos).getAsJsonArray(), "HF-layout logits at " + pos);
      }
    }
  }

  private void writeHfLlama(boolean sharded) throws Exception {
    ByteBuffer bin = ByteBuffer.wrap(Files.readAllBytes(Reference.shared("models", "stories260K", "stories260K.bin")))
        .order(ByteOrder.LITTLE_ENDIAN);
    int[] header = new int[7];
    for (int i = 0; i < 7; i++) {
      header[i] = bin.getInt();
    }
    assertThat(header).containsExactly(DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, VOCAB, SEQ_LEN);
    int kvDim = KV_HEADS * HEAD_DIM;
    HostTensor embedding = read(bin, VOCAB, DIM);
    HostTensor[] rmsAtt = readLayers(bin, DIM);
    HostTensor[] wq = readLayers(bin, DIM, DIM);
    HostTensor[] wk = readLayers(bin, kvDim, DIM);
    HostTensor[] wv = readLayers(bin, kvDim, DIM);
    HostTensor[] wo = readLayers(bin, DIM, DIM);
    HostTensor[] rmsFfn = readLayers(bin, DIM);
    HostTensor[] w1 = readLayers(bin, HIDDEN, DIM);
    HostTensor[] w2 = readLayers(bin, DIM, HIDDEN);
    HostTensor[] w3 = readLayers(bin, HIDDEN, DIM);
    HostTensor rmsFinal = read(bin, DIM);

    Map<String, HostTensor> first = new LinkedHashMap<>();
    Map<String, HostTensor> second = new LinkedHashMap<>();
    first.put("model.embed_tokens.weight", embedding);
    for (int l = 0; l < LAYERS; l++) {
      Map<String, HostTensor> shard = sharded && l >= 2 ? second : first;
      String p = "model.layers." + l + ".";
      shard.put(p + "input_layernorm.weight", rmsAtt[l]);
      shard.put(p + "self_attn.q_proj.weight", exportPermute(wq[l], HEADS));
      shard.put(p + "self_attn.k_proj.weight", exportPermute(wk[l], KV_HEADS));
      shard.put(p + "self_attn.v_proj.weight", wv[l]);
      shard.put(p + "self_attn.o_proj.weight", wo[l]);
      shard.put(p + "post_attention_layernorm.weight", rmsFfn[l]);
      shard.put(p + "mlp.gate_proj.weight", w1[l]);
      shard.put(p + "mlp.down_proj.weight", w2[l]);
      shard.put(p + "mlp.up_proj.weight", w3[l]);
    }
    (sharded ? second : first).put("model.norm.weight", rmsFinal);
    if (sharded) {
      SafetensorsTestWriter.write(dir.resolve("model-00001-of-00002.safetensors"), first, "F32");
      SafetensorsTestWriter.write(dir.resolve("model-00002-of-00002.safetensors"), second, "F32");
      StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
      String separator = "";
      for (String name : first.keySet()) {
        index.append(separator).append('"').append(name).append("\":\"model-00001-of-00002.safetensors\"");
        separator = ",";
      }
      for (String name : second.keySet()) {
        index.append(separator).append('"').append(name).append("\":\"model-00002-of-00002.safetensors\"");
      }
      Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}"));
    } else {
      SafetensorsTestWriter.write(dir.resolve("model.safetensors"), first, "F32");
    }
    Files.writeString(dir.resolve("config.json"), """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
         "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4, "vocab_size": 512,
         "max_position_embeddings": 512, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "hidden_act": "silu",
         "tie_word_embeddings": true, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}
        """);
  }

  /**
   * llama2.c export.py's {@code permute_reverse}: {@code w.view(heads, 2, rows/heads/2, cols)}-style reordering
   * so the HF rotate-half RoPE sees the pairs llama2.c rotated: HF row (h, j, i) = llama2.c row (h, i, j).
   */
  private static HostTensor exportPermute(HostTensor w, int heads) {
    int rows = w.dim(0);
    int cols = w.dim(1);
    int half = rows / heads / 2;
    float[] out = new float[rows * cols];
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < half; i++) {
          int hfRow = (h * 2 + j) * half + i;
          int llamaRow = (h * half + i) * 2 + j;
          System.arraycopy(w.data(), llamaRow * cols, out, hfRow * cols, cols);
        }
      }
    }
    return new HostTensor(out, rows, cols);
  }

  private static HostTensor read(ByteBuffer bin, int... shape) {
    int count = 1;
    long[] longShape = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      count *= shape[i];
      longShape[i] = shape[i];
    }
    float[] values = new float[count];
    bin.asFloatBuffer().get(values);
    bin.position(bin.position() + 4 * count);
    return new HostTensor(values, longShape);
  }

  private static HostTensor[] readLayers(ByteBuffer bin, int... shape) {
    HostTensor[] out = new HostTensor[LAYERS];
    for (int l = 0; l < LAYERS; l++) {
      out[l] = read(bin, shape);
    }
    return out;
  }
}
