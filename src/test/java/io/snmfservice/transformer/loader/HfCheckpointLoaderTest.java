package io.snmfservice.transformer.loader;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static io.snmfservice.transformer.Reference.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.snmfservice.activations.store.Float16;
import io.snmfservice.transformer.ForwardResult;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.SingleThreadedTorch;
import io.snmfservice.transformer.TokenBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SingleThreadedTorch.class)
class HfCheckpointLoaderTest {

  @TempDir
  Path dir;

  @Test
  void acceptsGpt2KeysWithTheTransformerPrefix() throws Exception {
    Path source = Reference.shared("fixtures", "hf-tiny", "gpt2");
    Map<String, HostTensor> prefixed = new LinkedHashMap<>();
    try (SafetensorsFile file = SafetensorsFile.open(source.resolve("model.safetensors"))) {
      for (String name : file.names()) {
        prefixed.put("transformer." + name, file.read(name));
      }
      prefixed.put("lm_head.weight", file.read("wte.weight"));
    }
    SafetensorsTestWriter.write(dir.resolve("model.safetensors"), prefixed, "F32");
    Files.copy(source.resolve("config.json"), dir.resolve("config.json"));
    JsonObject reference = Reference.json(source.resolve("reference.json"));
    int[] tokens = ints(reference.getAsJsonArray("tokens").get(0).getAsJsonArray());
    try (HookedTransformer model = TransformerLoader.load(dir, TestDevice.get())) {
      ForwardResult result = model.forward(TokenBatch.single(tokens), HookSpec.none());
      for (int pos = 0; pos < tokens.length; pos++) {
        assertClose(result.logits(0, pos), reference.getAsJsonArray("logits").get(pos).getAsJsonArray(), "logits at " + pos);
      }
    }
  }

  @Test
  void loadsBfloat16AndFloat16WeightsAsTheirFloat32Values() throws Exception {
    Path source = Reference.shared("fixtures", "hf-tiny", "llama3");
    int[] tokens = ints(Reference.json(source.resolve("reference.json")).getAsJsonArray("tokens").get(0).getAsJsonArray());
    for (String dtype : new String[] {"BF16", "F16"}) {
      Path half = dir.resolve(dtype);
      Path rounded = dir.resolve(dtype + "-as-f32");
      Files.createDirectories(half);
      Files.createDirectories(rounded);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      try (SafetensorsFile file = SafetensorsFile.open(source.resolve("model.safetensors"))) {
        for (String name : file.names()) {
          tensors.put(name, file.read(name));
        }
      }
      SafetensorsTestWriter.write(half.resolve("model.safetensors"), tensors, dtype);
      Files.copy(source.resolve("config.json"), half.resolve("config.json"));
      // the same values rounded by the test writer, stored as float32: both must give identical logits
      Map<String, HostTensor> roundedTensors = new LinkedHashMap<>();
      for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
        float[] values = e.getValue().data().clone();
        for (int i = 0; i < values.length; i++) {
          values[i] = dtype.equals("BF16")
              ? Float.intBitsToFloat((SafetensorsTestWriter.toBfloat16(values[i]) & 0xffff) << 16)
              : Float16.toFloat(Float16.fromFloat(values[i]));
        }
        roundedTensors.put(e.getKey(), new HostTensor(values, e.getValue().shape()));
      }
      SafetensorsTestWriter.write(rounded.resolve("model.safetensors"), roundedTensors, "F32");
      Files.copy(source.resolve("config.json"), rounded.resolve("config.json"));
      try (HookedTransformer fromHalf = TransformerLoader.load(half, TestDevice.get());
          HookedTransformer fromRounded = TransformerLoader.load(rounded, TestDevice.get())) {
        ForwardResult a = fromHalf.forward(TokenBatch.single(tokens), HookSpec.none());
        ForwardResult b = fromRounded.forward(TokenBatch.single(tokens), HookSpec.none());
        for (int pos = 0; pos < tokens.length; pos++) {
          assertThat(a.logits(0, pos)).as(dtype + " logits at " + pos).containsExactly(b.logits(0, pos));
        }
      }
    }
  }

  @Test
  void refusesUnsupportedArchitecturesAndLayouts() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"mamba\"}");
    SafetensorsTestWriter.write(dir.resolve("model.safetensors"), Map.of("x", new HostTensor(new float[] {1}, 1)),
        "F32");
    assertThatThrownBy(() -> TransformerLoader.load(dir, TestDevice.get())).hasMessageContaining("mamba");

    Path gemma = dir.resolve("gemma");
    Files.createDirectories(gemma);
    Path source = Reference.shared("fixtures", "hf-tiny", "gemma2");
    Files.copy(source.resolve("model.safetensors"), gemma.resolve("model.safetensors"));
    Files.writeString(gemma.resolve("config.json"), Files.readString(source.resolve("config.json"))
        .replaceFirst("\\{", "{\"layer_types\": [\"full_attention\", \"sliding_attention\"],"));
    assertThatThrownBy(() -> TransformerLoader.load(gemma, TestDevice.get())).hasMessageContaining("layer_types[0]");

    assertThatThrownBy(() -> TransformerLoader.load(dir.resolve("missing"), TestDevice.get())).hasMessageContaining("no model");
  }
}
