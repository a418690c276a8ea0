package io.snmfservice.transformer.loader;

import io.snmfservice.transformer.Architecture;
import io.snmfservice.transformer.CanonicalWeights;
import io.snmfservice.transformer.HostTensor;
import io.snmfservice.transformer.LayerWeights;
import io.snmfservice.transformer.MlpType;
import io.snmfservice.transformer.NormType;
import io.snmfservice.transformer.TransformerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Loader of llama2.c's legacy {@code .bin} checkpoints: 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means an unshared classifier follows), then float32
 * arrays in the order token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, freq_cis_real,
 * freq_cis_imag [, wcls]. Linear weights are {@code [out, in]}; wq/wk rows are permuted from interleaved RoPE pairs
 * to the canonical rotate-half layout.
 */
public final class Llama2cLoader {

  private static final int HEADER_INTS = 7;

  private Llama2cLoader() {}

  public static CanonicalWeights load(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(file + ": llama2.c checkpoints over 2 GiB are not supported");
      }
      MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      bytes.order(ByteOrder.LITTLE_ENDIAN);
      IntBuffer header = bytes.asIntBuffer();
      int dim = header.get(0);
      int hiddenDim = header.get(1);
      int nLayers = header.get(2);
      int nHeads = header.get(3);
      int nKvHeads = header.get(4);
      int vocabField = header.get(5);
      int seqLen = header.get(6);
      boolean shared = vocabField > 0;
      int vocab = Math.abs(vocabField);
      if (dim <= 0 || hiddenDim <= 0 || nLayers <= 0 || nHeads <= 0 || nKvHeads <= 0 || vocab == 0 || seqLen <= 0
          || dim % nHeads != 0) {
        throw new IllegalArgumentException(file + ": not a llama2.c checkpoint (header " + dim + ", " + hiddenDim + ", "
            + nLayers + ", " + nHeads + ", " + nKvHeads + ", " + vocabField + ", " + seqLen + ")");
      }
      int headDim = dim / nHeads;
      int kvDim = nKvHeads * headDim;
      bytes.position(HEADER_INTS * 4);
      FloatBuffer floats = bytes.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      long expected = (long) vocab * dim + nLayers * (2L * dim + 2L * dim * dim + 2L * kvDim * dim + 3L * hiddenDim * dim)
          + dim + (long) seqLen * headDim + (shared ? 0 : (long) vocab * dim);
      if (floats.remaining() != expected) {
        throw new IllegalArgumentException(file + ": holds " + floats.remaining() + " floats, header implies " + expected);
      }
      HostTensor embedding = next(floats, vocab, dim);
      HostTensor[] rmsAtt = stack(floats, nLayers, dim);
      HostTensor[] wq = stack(floats, nLayers, dim, dim);
      HostTensor[] wk = stack(floats, nLayers, kvDim, dim);
      HostTensor[] wv = stack(floats, nLayers, kvDim, dim);
      HostTensor[] wo = stack(floats, nLayers, dim, dim);
      HostTensor[] rmsFfn = stack(floats, nLayers, dim);
      HostTensor[] w1 = stack(floats, nLayers, hiddenDim, dim);
      HostTensor[] w2 = stack(floats, nLayers, dim, hiddenDim);
      HostTensor[] w3 = stack(floats, nLayers, hiddenDim, dim);
      HostTensor rmsFinal = next(floats, dim);
      floats.position(floats.position() + seqLen * headDim); // freq_cis_real and _imag: recomputed instead
      HostTensor classifier = shared ? embedding : next(floats, vocab, dim);

      List<LayerWeights> layers = new ArrayList<>();
      for (int l = 0; l < nLayers; l++) {
        HostTensor q = RotaryLayout.interleavedToHalves(wq[l], nHeads, headDim).transpose();
        HostTensor k = RotaryLayout.interleavedToHalves(wk[l], nKvHeads, headDim).transpose();
        layers.add(new LayerWeights(rmsAtt[l], null, HostTensor.concatColumns(q, k, wv[l].transpose()), null,
            wo[l].transpose(), null, null, rmsFfn[l], null,
            HostTensor.concatColumns(w1[l].transpose(), w3[l].transpose()), null, w2[l].transpose(), null, null));
      }
      TransformerConfig config = new TransformerConfig(Architecture.LLAMA, nLayers, dim, nHeads, nKvHeads, headDim,
          hiddenDim, vocab, seqLen, NormType.RMS, 1e-5f, MlpType.GATED_SILU, true, 10000.0, null,
          (float) (1 / Math.sqrt(headDim)), 0f, 0f, 0, false, 1f, 1, 2);
      return new CanonicalWeights(config, embedding, null, layers, rmsFinal, null, classifier);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static HostTensor next(FloatBuffer floats, int... shape) {
    int count = 1;
    long[] longShape = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      count *= shape[i];
      longShape[i] = shape[i];
    }
    float[] values = new float[count];
    floats.get(values);
    return new HostTensor(values, longShape);
  }

  private static HostTensor[] stack(FloatBuffer floats, int layers, int... shape) {
    HostTensor[] out = new HostTensor[layers];
    for (int l = 0; l < layers; l++) {
      out[l] = next(floats, shape);
    }
    return out;
  }
}
