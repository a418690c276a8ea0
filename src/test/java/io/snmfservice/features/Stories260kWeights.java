package io.snmfservice.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few stories260K weights a vocabulary projection needs, read straight from the llama2.c file in this test
 * (layout from the model's README), independently of the service's loaders.
 */
final class Stories260kWeights {

  final int dim;
  final int hidden;
  final int vocab;
  final float[] tokenEmbedding; // vocab × dim
  final float[][] w2; // per layer: dim × hidden
  final float[] rmsFinal;

  Stories260kWeights(Path file) {
    ByteBuffer b;
    try {
      b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dim = b.getInt();
    hidden = b.getInt();
    int layers = b.getInt();
    int heads = b.getInt();
    int kvHeads = b.getInt();
    vocab = Math.abs(b.getInt());
    b.getInt();
    int kvDim = dim / heads * kvHeads;
    tokenEmbedding = floats(b, vocab * dim);
    skip(b, layers * dim); // rms_att
    skip(b, layers * dim * dim); // wq
    skip(b, layers * kvDim * dim); // wk
    skip(b, layers * kvDim * dim); // wv
    skip(b, layers * dim * dim); // wo
    skip(b, layers * dim); // rms_ffn
    skip(b, layers * hidden * dim); // w1
    w2 = new float[layers][];
    for (int l = 0; l < layers; l++) {
      w2[l] = floats(b, dim * hidden);
    }
    skip(b, layers * hidden * dim); // w3
    rmsFinal = floats(b, dim);
  }

  /** unembed(rmsnorm_final(W2 · f)) with the tied embedding, eps 1e-5. */
  double[] projectToVocab(int layer, float[] f) {
    double[] x = new double[dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < hidden; j++) {
        x[i] += (double) w2[layer][i * hidden + j] * f[j];
      }
    }
    double ss = 0;
    for (double v : x) {
      ss += v * v;
    }
    double scale = 1 / Math.sqrt(ss / dim + 1e-5);
    double[] logits = new double[vocab];
    for (int t = 0; t < vocab; t++) {
      for (int i = 0; i < dim; i++) {
        logits[t] += tokenEmbedding[t * dim + i] * x[i] * scale * rmsFinal[i];
      }
    }
    return logits;
  }

  private static float[] floats(ByteBuffer b, int count) {
    float[] out = new float[count];
    b.asFloatBuffer().get(out);
    b.position(b.position() + 4 * count);
    return out;
  }

  private static void skip(ByteBuffer b, int floats) {
    b.position(b.position() + 4 * floats);
  }
}
