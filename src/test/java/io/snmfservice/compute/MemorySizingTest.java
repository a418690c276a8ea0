package io.snmfservice.compute;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.transformer.Architecture;
import io.snmfservice.transformer.MlpType;
import io.snmfservice.transformer.NormType;
import io.snmfservice.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Chunk and batch sizes follow free memory within the configured caps. */
class MemorySizingTest {

  private static final long GIB = 1L << 30;
  private static final ComputeProperties.Memory DEFAULTS =
      new ComputeProperties.Memory(0.5, 512, 65536, DataSize.ofMegabytes(256));

  @Test
  void chunkColumnsAreCappedByBytesColumnsHeapAndFreeMemory() {
    // plenty of everything: the 256 MB cap decides (d = 3072: 21,845 columns, rounded down to 256s)
    assertThat(MemorySizing.snmfChunkColumns(3072, 50, 100 * GIB, 64 * GIB, DEFAULTS)).isEqualTo(21760);
    // small d: the column cap decides
    assertThat(MemorySizing.snmfChunkColumns(64, 8, 100 * GIB, 64 * GIB, DEFAULTS)).isEqualTo(65536);
    // a 1 GiB heap: at most 128 MiB of host chunk
    assertThat(MemorySizing.snmfChunkColumns(3072, 50, 100 * GIB, GIB, DEFAULTS)).isEqualTo(10752);
    // 100 MB free on the device, half of it usable: 50e6 / (4 * (3072 + 300)) = 3,707 -> 3,584
    assertThat(MemorySizing.snmfChunkColumns(3072, 50, 100_000_000L, 64 * GIB, DEFAULTS)).isEqualTo(3584);
    // nothing free still gives a working minimum
    assertThat(MemorySizing.snmfChunkColumns(3072, 50, 0, 64 * GIB, DEFAULTS)).isEqualTo(256);
  }

  @Test
  void collectionBatchIsTheRequestUnlessLessFits() {
    TransformerConfig gpt2 = new TransformerConfig(Architecture.GPT2, 12, 768, 12, 12, 64, 3072, 50257, 1024,
        NormType.LAYER, 1e-5f, MlpType.GELU_TANH, false, 0, null, 0.125f, 0f, 0f, 0, false, 1f, 50256, 50256);
    long perSequence = MemorySizing.bytesPerSequence(gpt2, 256, 12);
    assertThat(MemorySizing.collectBatch(gpt2, 256, 12, 16, 80 * GIB, DEFAULTS)).isEqualTo(16);
    assertThat(MemorySizing.collectBatch(gpt2, 256, 12, 512, 80 * GIB, DEFAULTS))
        .isEqualTo((int) Math.min(512, 40 * GIB / perSequence));
    assertThat(MemorySizing.collectBatch(gpt2, 256, 12, 64, 4 * perSequence, DEFAULTS)).isEqualTo(2);
    assertThat(MemorySizing.collectBatch(gpt2, 256, 12, 64, 0, DEFAULTS)).isEqualTo(1);
    ComputeProperties.Memory capped = new ComputeProperties.Memory(0.5, 8, 65536, DataSize.ofMegabytes(256));
    assertThat(MemorySizing.collectBatch(gpt2, 256, 12, 64, 80 * GIB, capped)).isEqualTo(8);
  }
}
