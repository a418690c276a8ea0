package io.snmfservice.activations.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationFileTest {

  @TempDir Path dir;

  private static float[] randomColumns(int d, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[d * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (r.nextGaussian() * 3);
    }
    return a;
  }

  @Test
  void float32FileRoundTripsExactlyWithTheDocumentedLayout() throws IOException {
    int d = 5;
    int n = 23;
    float[] a = randomColumns(d, n, 1);
    Path file = dir.resolve("a.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, d, DType.FLOAT32, 8)) {
      w.appendColumns(a, 10);
      w.appendColumn(java.util.Arrays.copyOfRange(a, 10 * d, 11 * d));
      w.appendColumns(java.util.Arrays.copyOfRange(a, 11 * d, n * d), n - 11);
    }
    // the layout, read by hand: 64-byte header, then column-major little-endian floats
    ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(raw.capacity()).isEqualTo(64 + d * n * 4);
    assertThat(new String(raw.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SNMFACT1");
    assertThat(raw.getInt(8)).isEqualTo(1);
    assertThat(raw.getInt(12)).isEqualTo(0);
    assertThat(raw.getInt(16)).isEqualTo(d);
    assertThat(raw.getInt(20)).isEqualTo(8);
    assertThat(raw.getLong(24)).isEqualTo(n);
    assertThat(raw.getInt(32)).isEqualTo(64);
    assertThat(raw.getFloat(64 + (7 * d + 3) * 4)).isEqualTo(a[7 * d + 3]);

    try (ActivationFileReader r = ActivationFileReader.open(file)) {
      assertThat(r.d()).isEqualTo(d);
      assertThat(r.n()).isEqualTo(n);
      assertThat(r.dtype()).isEqualTo(DType.FLOAT32);
      assertThat(r.readColumns(0, n)).containsExactly(a);
      assertThat(r.readColumns(9, 3)).containsExactly(java.util.Arrays.copyOfRange(a, 9 * d, 12 * d));
      List<ActivationChunk> chunks = new ArrayList<>();
      r.chunks().forEach(chunks::add);
      assertThat(chunks).extracting(ActivationChunk::start).containsExactly(0L, 8L, 16L);
      assertThat(chunks).extracting(ActivationChunk::count).containsExactly(8, 8, 7);
      assertThat(chunks.get(2).values()).containsExactly(java.util.Arrays.copyOfRange(a, 16 * d, n * d));
    }
  }

  /** Columns taken from inside a larger block, over more than one write buffer: each value's bits, in order. */
  @Test
  void columnsAppendedFromAnOffsetAreWrittenValueByValue() throws IOException {
    int d = 3;
    int n = 700; // the writer buffers 256 columns
    float[] block = randomColumns(d, n + 9, 4);
    block[5 * d] = Float.intBitsToFloat(0x7fc01234); // a NaN with a payload keeps its bits
    block[5 * d + 1] = -0.0f;
    for (DType dtype : DType.values()) {
      Path file = dir.resolve("offset-" + dtype + ".act");
      try (ActivationFileWriter w = ActivationFileWriter.create(file, d, dtype, 64)) {
        w.appendColumns(block, 5 * d, 300);
        w.appendColumns(block, 305 * d, n - 300);
      }
      ByteBuffer expected = ByteBuffer.allocate(n * d * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 5 * d; i < (n + 5) * d; i++) {
        if (dtype == DType.FLOAT32) {
          expected.putInt(Float.floatToRawIntBits(block[i]));
        } else {
          expected.putShort(Float16.fromFloat(block[i]));
        }
      }
      byte[] raw = Files.readAllBytes(file);
      assertThat(java.util.Arrays.copyOfRange(raw, ActivationFileHeader.SIZE, raw.length)).as("%s", dtype)
          .isEqualTo(expected.array());
    }
  }

  @Test
  void readsFloat32BytesStraightIntoAGivenBufferAndWidensFloat16IntoIt() {
    int d = 3;
    float[] a = randomColumns(d, 6, 5);
    Path file = dir.resolve("raw.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, d, DType.FLOAT32, 4)) {
      w.appendColumns(a, 6);
    }
    ByteBuffer target = ByteBuffer.allocateDirect(8 + 2 * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    target.position(8);
    try (ActivationFileReader r = ActivationFileReader.open(file)) {
      assertThat(r.readFloat32Bytes(2, 2, target)).isTrue();
    }
    for (int i = 0; i < 2 * d; i++) {
      assertThat(target.getFloat(8 + i * 4)).isEqualTo(a[2 * d + i]);
    }
    Path half = dir.resolve("half.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(half, d, DType.FLOAT16, 4)) {
      w.appendColumns(a, 6);
    }
    ByteBuffer wide = ByteBuffer.allocateDirect(4 + 5 * d * 4).order(ByteOrder.LITTLE_ENDIAN);
    wide.position(4);
    try (ActivationFileReader r = ActivationFileReader.open(half)) {
      assertThat(r.readFloat32Bytes(1, 5, wide)).isTrue();
    }
    for (int i = 0; i < 5 * d; i++) {
      assertThat(wide.getFloat(4 + i * 4)).isEqualTo(Float16.toFloat(Float16.fromFloat(a[d + i])));
    }
  }

  @Test
  void aMatrixLargerThanMemoryIsReadPastThePageCacheWithTheSameValues() {
    int d = 7; // 14 and 28 bytes a column: slices start and end inside blocks
    for (DType dtype : List.of(DType.FLOAT16, DType.FLOAT32)) {
      int n = dtype == DType.FLOAT16 ? 700_001 : 350_001; // 9.8 MB: two 8 MiB slices
      float[] a = randomColumns(d, n, 9);
      Path file = dir.resolve("big-" + dtype + ".act");
      try (ActivationFileWriter w = ActivationFileWriter.create(file, d, dtype, 4096)) {
        w.appendColumns(a, n);
      }
      try (ActivationFileReader cached = ActivationFileReader.open(file);
          ActivationFileReader uncached = ActivationFileReader.open(file, 0)) {
        assertThat(cached.readsUncached()).isFalse();
        assertThat(uncached.readsUncached()).as("direct I/O on the test's file system").isTrue();
        long[][] ranges = {{0, n}, {1, 3}, {n - 5, 5}, {333_333, 16_385}, {585, 1}};
        for (long[] range : ranges) {
          int count = (int) range[1];
          assertThat(uncached.readColumns(range[0], count)).isEqualTo(cached.readColumns(range[0], count));
          ByteBuffer expected = ByteBuffer.allocateDirect(4 + count * d * 4).order(ByteOrder.LITTLE_ENDIAN);
          ByteBuffer actual = ByteBuffer.allocateDirect(4 + count * d * 4).order(ByteOrder.LITTLE_ENDIAN);
          cached.readFloat32Bytes(range[0], count, expected.position(4));
          uncached.readFloat32Bytes(range[0], count, actual.position(4));
          assertThat(actual.position(0)).isEqualTo(expected.position(0));
        }
      }
    }
  }

  /** The reader keeps one aligned buffer per thread while it fits; a buffer that never fitted was a new one per read. */
  @Test
  void anAlignedBufferAlwaysFitsTheReadsItWasMadeFor() throws IOException {
    Path file = dir.resolve("blocks.act");
    Files.write(file, new byte[8192]);
    try (UncachedFile uncached = UncachedFile.open(file)) {
      assertThat(uncached).as("direct I/O on the test's file system").isNotNull();
      for (int bytes : new int[] {1, 2048, 4095, 4096, 4097, 8_386_560, 8_388_608, 13_369_344}) {
        for (int attempt = 0; attempt < 8; attempt++) { // a fresh allocation each time: other start addresses
          assertThat(uncached.fits(uncached.buffer(bytes), bytes)).as("%d bytes", bytes).isTrue();
        }
      }
    }
  }

  @Test
  void float16FileStoresHalvesAndReadsThemBackWithinHalfPrecision() {
    int d = 7;
    int n = 11;
    float[] a = randomColumns(d, n, 2);
    Path file = dir.resolve("h.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, d, DType.FLOAT16, 4)) {
      w.appendColumns(a, n);
    }
    try (ActivationFileReader r = ActivationFileReader.open(file)) {
      assertThat(r.dtype()).isEqualTo(DType.FLOAT16);
      float[] back = r.readColumns(0, n);
      for (int i = 0; i < a.length; i++) {
        assertThat(back[i]).isEqualTo(Float16.toFloat(Float16.fromFloat(a[i])));
        assertThat((double) back[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(Math.abs(a[i]) * 1e-3 + 1e-7));
      }
    }
    assertThat(file.toFile().length()).isEqualTo(64 + d * n * 2);
  }

  @Test
  void rejectsAFileWhoseWriterWasNeverClosed() throws IOException {
    Path file = dir.resolve("open.act");
    ActivationFileWriter w = ActivationFileWriter.create(file, 3, DType.FLOAT32, 2);
    w.appendColumn(new float[] {1, 2, 3});
    Path copy = dir.resolve("copy.act");
    Files.copy(file, copy);
    w.close();
    assertThatThrownBy(() -> ActivationFileReader.open(copy))
        .isInstanceOf(ActivationFormatException.class).hasMessageContaining("incomplete");
    assertThat(ActivationFileReader.open(file).n()).isEqualTo(1);
  }

  @Test
  void rejectsForeignAndTruncatedFiles() throws IOException {
    Path foreign = dir.resolve("x.bin");
    Files.write(foreign, new byte[100]);
    assertThatThrownBy(() -> ActivationFileReader.open(foreign)).hasMessageContaining("magic");
    Path file = dir.resolve("t.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, 4, DType.FLOAT32, 2)) {
      w.appendColumns(new float[16], 4);
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    assertThatThrownBy(() -> ActivationFileReader.open(file)).hasMessageContaining("truncated");
  }

  @Test
  void refusesReadsOutsideTheFile() {
    Path file = dir.resolve("s.act");
    try (ActivationFileWriter w = ActivationFileWriter.create(file, 2, DType.FLOAT32, 2)) {
      w.appendColumns(new float[6], 3);
    }
    try (ActivationFileReader r = ActivationFileReader.open(file)) {
      assertThatThrownBy(() -> r.readColumns(2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
