package io.snmfservice.transformer.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.snmfservice.transformer.HostTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

  @TempDir
  Path dir;

  /** Values exactly representable in half and bfloat16, including a half subnormal and half's largest finite. */
  private static final float[] EXACT = {0f, 1f, -2.5f, 0.15625f, 65504f, 0x1p-24f, -0x1p-20f, 0x1.8p-9f};

  @Test
  void readsFloat32TensorsWithTheirShapes() {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("a", new HostTensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    tensors.put("b.weight", new HostTensor(new float[] {-1.25f}, 1));
    SafetensorsTestWriter.write(dir.resolve("m.safetensors"), tensors, "F32");
    try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("m.safetensors"))) {
      assertThat(file.names()).containsExactly("a", "b.weight");
      HostTensor a = file.read("a");
      assertThat(a.shape()).containsExactly(2, 3);
      assertThat(a.data()).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(file.read("b.weight").data()).containsExactly(-1.25f);
    }
  }

  @Test
  void convertsHalfAndBfloat16ToFloat32() {
    float[] bf16Exact = {0f, 1f, -2.5f, 0.15625f, 65536f, 0x1p-100f, -3.0e38f};
    float[] bf16Values = new float[bf16Exact.length];
    for (int i = 0; i < bf16Exact.length; i++) {
      bf16Values[i] = Float.intBitsToFloat(Float.floatToRawIntBits(bf16Exact[i]) & 0xffff0000);
    }
    float[] halfValues = EXACT.clone();
    SafetensorsTestWriter.write(dir.resolve("h.safetensors"),
        Map.of("x", new HostTensor(halfValues, halfValues.length)), "F16");
    SafetensorsTestWriter.write(dir.resolve("b.safetensors"),
        Map.of("x", new HostTensor(bf16Values, bf16Values.length)), "BF16");
    try (SafetensorsFile half = SafetensorsFile.open(dir.resolve("h.safetensors"));
        SafetensorsFile bf16 = SafetensorsFile.open(dir.resolve("b.safetensors"))) {
      assertThat(half.read("x").data()).containsExactly(halfValues);
      assertThat(bf16.read("x").data()).containsExactly(bf16Values);
    }
  }

  @Test
  void findsTensorsAcrossShardsThroughTheIndex() throws Exception {
    SafetensorsTestWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
        Map.of("first", new HostTensor(new float[] {1, 2}, 2)), "F32");
    SafetensorsTestWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
        Map.of("second", new HostTensor(new float[] {3}, 1)), "F32");
    Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{"
        + "\"first\":\"model-00001-of-00002.safetensors\",\"second\":\"model-00002-of-00002.safetensors\"}}");
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
      assertThat(checkpoint.names()).containsExactlyInAnyOrder("first", "second");
      assertThat(checkpoint.read("second").data()).containsExactly(3f);
      assertThatThrownBy(() -> checkpoint.read("third")).hasMessageContaining("third");
    }
  }

  @Test
  void rejectsAFileThatIsNotSafetensors() throws Exception {
    Files.write(dir.resolve("junk.safetensors"), new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8});
    assertThatThrownBy(() -> SafetensorsFile.open(dir.resolve("junk.safetensors")))
        .isInstanceOf(MalformedTensorFileException.class).hasMessageContaining("header length");
  }
}
