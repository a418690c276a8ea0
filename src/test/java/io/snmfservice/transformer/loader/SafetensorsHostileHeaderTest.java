package io.snmfservice.transformer.loader;

import static io.snmfservice.support.HostileFiles.entry;
import static io.snmfservice.support.HostileFiles.f32;
import static io.snmfservice.support.HostileFiles.safetensors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader on headers written to make it allocate, read outside the file or crash. */
class SafetensorsHostileHeaderTest {

  @TempDir Path dir;

  @Test
  void aWellFormedHeaderExposesShapeAndDtypeBeforeReading() throws IOException {
    try (SafetensorsFile file = open(safetensors("{" + entry("w", "F32", "[2,3]", 0, 24) + "}",
        f32(1, 2, 3, 4, 5, 6)))) {
      SafetensorsFile.TensorInfo info = file.info("w");
      assertThat(info.shape()).containsExactly(2, 3);
      assertThat(info.dtype()).isEqualTo("F32");
      assertThat(info.elements()).isEqualTo(6);
      assertThat(file.read("w").data()).containsExactly(1, 2, 3, 4, 5, 6);
    }
  }

  @Test
  void overflowingNegativeAndInexactShapesAreRejectedWhenOpened() {
    rejects("{" + entry("w", "F32", "[4294967296,4294967296]", 0, 0) + "}", new byte[0], "shape of w");
    rejects("{" + entry("w", "F32", "[9223372036854775807,2]", 0, 0) + "}", new byte[0], "shape of w");
    rejects("{" + entry("w", "F32", "[2305843009213693952,2]", 0, 0) + "}", new byte[0], "data_offsets of w");
    rejects("{" + entry("w", "F32", "[-1,-24]", 0, 24) + "}", new byte[24], "shape of w");
    rejects("{" + entry("w", "F32", "[1.5,2]", 0, 12) + "}", new byte[12], "shape of w");
    rejects("{" + entry("w", "F32", "[1e30,2]", 0, 8) + "}", new byte[8], "shape of w");
    rejects("{" + entry("w", "F32", "[\"6\"]", 0, 24) + "}", new byte[24], "shape of w");
    rejects("{" + entry("w", "F32", "[1,1,1,1,1,1,1,1,1]", 0, 4) + "}", new byte[4], "shape of w");
    rejects("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4], "shape of w");
    rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4], "data_offsets of w");
  }

  @Test
  void offsetsOutsideTheDataOrInconsistentWithTheShapeAreRejected() {
    rejects("{" + entry("w", "F32", "[2]", 8, 0) + "}", new byte[8], "data_offsets of w");
    rejects("{" + entry("w", "F32", "[2]", -8, 0) + "}", new byte[8], "data_offsets of w");
    rejects("{" + entry("w", "F32", "[2]", 0, 16) + "}", new byte[8], "data_offsets of w");
    rejects("{" + entry("w", "F32", "[2]", 0, 4) + "}", new byte[8], "data_offsets of w");
    rejects("{" + entry("w", "F32", "[2]", 9223372036854775800L, 9223372036854775807L) + "}", new byte[8],
        "data_offsets of w");
    rejects("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12],
        "overlap");
    rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", new byte[8], "data_offsets of w");
  }

  @Test
  void headerLengthsBeyondTheFileOrTheBoundAreRejectedBeforeAllocating() {
    String header = "{" + entry("w", "F32", "[2]", 0, 8) + "}";
    rejects(safetensors(Long.MAX_VALUE, header, new byte[8]), "header length");
    rejects(safetensors(-1, header, new byte[8]), "header length");
    rejects(safetensors(0, header, new byte[8]), "header length");
    rejects(safetensors(header.length() + 9, header, new byte[8]), "header length");
    rejects(new byte[] {1, 2, 3}, "too short");
    byte[] big = safetensors("{" + " ".repeat(2 << 20) + "}", new byte[0]);
    assertThatThrownBy(() -> SafetensorsFile.open(write(big), 1 << 20)).isInstanceOf(MalformedTensorFileException.class)
        .hasMessageContaining("header length");
  }

  @Test
  void unknownDtypesAndJunkHeadersAreRejectedAndUnreadableDtypesAreNotRead() throws IOException {
    rejects("{" + entry("w", "F128", "[2]", 0, 32) + "}", new byte[32], "dtype of w");
    rejects("{\"w\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8], "dtype of w");
    rejects("[1,2,3]", new byte[0], "not a JSON object");
    rejects("{\"w\":", new byte[0], "not valid JSON");
    rejects("{\"__metadata__\":" + "[".repeat(100_000) + "}", new byte[0], "JSON");
    rejects("{\"w\":" + "[".repeat(100_000) + "}", new byte[0], "entry of w");
    rejects("{" + entry("w", "F32", "[" + "1,".repeat(1_000_000) + "2]", 0, 8) + "}", new byte[8], "shape of w");
    rejects("{" + entry("w", "F32", "[2]", 0, 8) + "," + entry("w", "F32", "[2]", 0, 8) + "}", new byte[8], "twice");
    rejects("{" + entry("w", "F32", "[2]", 0, 8) + "} junk", new byte[8], "header");
    rejects("{\"w\":3}", new byte[0], "entry of w");
    try (SafetensorsFile file = open(safetensors("{" + entry("i", "I64", "[2]", 0, 16) + "}", new byte[16]))) {
      assertThatThrownBy(() -> file.read("i")).isInstanceOf(MalformedTensorFileException.class)
          .hasMessageContaining("dtype of i is I64");
    }
  }

  @Test
  void aCheckpointIndexCannotPointOutsideItsDirectoryAndAMalformedShardIsNamed() throws IOException {
    Path model = Files.createDirectory(dir.resolve("model"));
    Files.write(dir.resolve("outside.safetensors"), safetensors("{" + entry("w", "F32", "[1]", 0, 4) + "}", f32(1)));
    Files.writeString(model.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"w\":\"../outside.safetensors\"}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(model)).isInstanceOf(MalformedTensorFileException.class)
        .hasMessageContaining("weight_map names ../outside.safetensors");
    Files.delete(model.resolve("model.safetensors.index.json"));
    Files.write(model.resolve("model.safetensors"), safetensors("{" + entry("w", "F32", "[-1]", 0, 4) + "}", f32(1)));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(model)).isInstanceOf(MalformedTensorFileException.class)
        .hasMessageContaining("model.safetensors: shape of w");
  }

  private void rejects(String header, byte[] data, String message) {
    rejects(safetensors(header, data), message);
  }

  private void rejects(byte[] file, String message) {
    assertThatThrownBy(() -> SafetensorsFile.open(write(file)).close())
        .isInstanceOf(MalformedTensorFileException.class).hasMessageContaining(message);
  }

  private SafetensorsFile open(byte[] bytes) throws IOException {
    return SafetensorsFile.open(write(bytes));
  }

  private Path write(byte[] bytes) {
    try {
      Path file = Files.createTempFile(dir, "t", ".safetensors");
      Files.write(file, bytes);
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
