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
 * A padded batch of sequences of different lengths must give, at every real token, the logits and activations
 * of that sequence run alone — for rotary (stories260K), learned-position (GPT-2) and sliding-window (Gemma-2)
 * models, with padding on either side.
 */
@ExtendWith(SingleThreadedTorch.class)
class PaddedBatchTest {

  static Stream<Path> models() {
    return Stream.of(Reference.shared("models", "stories260K", "stories260K.bin"),
        Reference.shared("models", "fortunes-byte-gpt2"),
        Reference.shared("fixtures", "hf-tiny", "gemma2"));
  }

  @ParameterizedTest
  @MethodSource("models")
  void paddedBatchMatchesEachSequenceAlone(Path path) {
    try (HookedTransformer model = TransformerLoader.load(path, TestDevice.get())) {
      Random random = new Random(7);
      int[][] sequences = new int[3][];
      int[] lengths = {19, 7, 12};
      for (int s = 0; s < sequences.length; s++) {
        sequences[s] = random.ints(lengths[s], 3, model.config().vocabSize()).toArray();
      }
      String mid = HookPoint.mlpPost(model.config().nLayers() / 2);
      String last = HookPoint.residPost(model.config().nLayers() - 1);
      HookSpec spec = HookSpec.none().withCapture(mid, last)
          .withIntervention(new AddVector(0, unit(model.config().dMlp(), random), 3f, 4));
      for (TokenBatch batch : new TokenBatch[] {TokenBatch.rightPadded(sequences), TokenBatch.leftPadded(sequences)}) {
        ForwardResult together = model.forward(batch, spec);
        for (int s = 0; s < sequences.length; s++) {
          ForwardResult alone = model.forward(TokenBatch.single(sequences[s]), spec);
          for (int t = 0; t < sequences[s].length; t++) {
            int slot = batch.start(s) + t;
            assertClose(together.logits(s, slot), alone.logits(0, t), "logits of sequence " + s + " token " + t);
            assertClose(together.capture(mid, s, slot), alone.capture(mid, 0, t), mid + " of " + s + " token " + t);
            assertClose(together.capture(last, s, slot), alone.capture(last, 0, t), last + " of " + s + " token " + t);
          }
          assertThat(together.lastLogits(s)).containsExactly(together.logits(s, batch.lastSlot(s)));
        }
      }
    }
  }

  static float[] unit(int size, Random random) {
    float[] z = new float[size];
    double norm = 0;
    for (int i = 0; i < size; i++) {
      z[i] = (float) random.nextGaussian();
      norm += z[i] * z[i];
    }
    for (int i = 0; i < size; i++) {
      z[i] /= (float) Math.sqrt(norm);
    }
    return z;
  }
}
