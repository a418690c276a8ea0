package io.snmfservice.transformer;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.transformer.loader.TransformerLoader;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Vocabulary projection of MLP directions against a plain-loop reference of docs/architecture.md ("Vocabulary
 * projection"): unembed(ln_final(W_out·f)),
 * and for Gemma-2 softcap(unembed(ln_final(post_ffn_norm(W_out·f)))); plus early stopping and config facts.
 */
@ExtendWith(SingleThreadedTorch.class)
class VocabProjectionTest {

  static Stream<Path> models() {
    return Stream.of(Reference.shared("models", "stories260K", "stories260K.bin"),
        Reference.shared("models", "fortunes-byte-gpt2"),
        Reference.shared("fixtures", "hf-tiny", "gemma2"));
  }

  @ParameterizedTest
  @MethodSource("models")
  void projectsMlpDirectionsThroughOutputProjectionFinalNormAndUnembedding(Path path) {
    CanonicalWeights weights = TransformerLoader.loadWeights(path);
    TransformerConfig config = weights.config();
    try (HookedTransformer model = HookedTransformer.fromWeights(weights, TestDevice.get())) {
      int layer = config.nLayers() - 1;
      float[] f = PaddedBatchTest.unit(config.dMlp(), new Random(9));
      LayerWeights w = weights.layers().get(layer);
      float[] v = new float[config.dModel()];
      for (int i = 0; i < config.dMlp(); i++) {
        for (int j = 0; j < config.dModel(); j++) {
          v[j] += f[i] * w.mlpOut().data()[i * config.dModel() + j];
        }
      }
      if (w.postMlpNormWeight() != null) {
        v = norm(config, v, w.postMlpNormWeight(), null);
      }
      float[] n = norm(config, v, weights.finalNormWeight(), weights.finalNormBias());
      float[] expected = new float[config.vocabSize()];
      for (int t = 0; t < config.vocabSize(); t++) {
        double logit = 0;
        for (int j = 0; j < config.dModel(); j++) {
          logit += (double) weights.unembedding().data()[t * config.dModel() + j] * n[j];
        }
        expected[t] = config.finalSoftcap() > 0
            ? (float) (config.finalSoftcap() * Math.tanh(logit / config.finalSoftcap())) : (float) logit;
      }
      assertClose(model.projectMlpDirectionToVocab(layer, f), expected, "vocab projection of " + path);
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void stopsEarlyWhenOnlyActivationsAreNeeded(Path path) {
    try (HookedTransformer model = TransformerLoader.load(path, TestDevice.get())) {
      int[] tokens = new Random(1).ints(10, 3, model.config().vocabSize()).toArray();
      String hook = HookPoint.mlpPost(0);
      ForwardResult full = model.forward(TokenBatch.single(tokens), HookSpec.none().withCapture(hook));
      ForwardResult early = model.forward(TokenBatch.single(tokens), HookSpec.logits(LogitsMode.NONE).withCapture(hook));
      assertThat(early.captureFlat(hook)).containsExactly(full.captureFlat(hook));
      assertThat(early.captureWidth(hook)).isEqualTo(model.config().dMlp());
    }
  }

  private static float[] norm(TransformerConfig config, float[] x, HostTensor weight, HostTensor bias) {
    int d = x.length;
    double mean = 0;
    double square = 0;
    for (float value : x) {
      mean += value / (double) d;
      square += value * (double) value / d;
    }
    float[] out = new float[d];
    for (int j = 0; j < d; j++) {
      if (config.normType() == NormType.LAYER) {
        double variance = square - mean * mean;
        out[j] = (float) ((x[j] - mean) / Math.sqrt(variance + config.normEps()) * weight.data()[j] + bias.data()[j]);
      } else {
        out[j] = (float) (x[j] / Math.sqrt(square + config.normEps()) * weight.data()[j]);
      }
    }
    return out;
  }
}
