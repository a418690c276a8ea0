package io.snmfservice.evaluation;

import io.snmfservice.support.TestDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.transformer.HookPoint;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import io.snmfservice.transformer.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DiffMeans and concept detection on real stories260K activations. */
class StoriesConceptSmokeTest {

  private static final int LAYER = 2;
  private static final int CONCEPT_TOKEN = 300;

  private static Path bin;
  private static HookedTransformer model;

  @BeforeAll
  static void load() {
    bin = Reference.shared("models", "stories260K", "stories260K.bin");
    model = TransformerLoader.load(bin, TestDevice.get());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void sentenceActivationsAreTheSentencesOwnTokensWithoutBos() throws Exception {
    try (TextTokenizer tokenizer = Tokenizers.forModel(bin, model.config().vocabSize())) {
      String text = "Once upon a time";
      float[][] rows = SentenceActivations.read(model, tokenizer, LAYER, List.of("a b", text)).get(1);
      int[] ids = tokenizer.encode(text);
      int[] withBos = new int[ids.length + 1];
      withBos[0] = model.config().bosId();
      System.arraycopy(ids, 0, withBos, 1, ids.length);
      var single = model.forward(TokenBatch.single(withBos), HookSpec.none().withCapture(HookPoint.mlpPost(LAYER)));
      assertThat(rows).hasNumberOfRows(ids.length);
      for (int t = 0; t < ids.length; t++) {
        Reference.assertClose(rows[t], single.capture(HookPoint.mlpPost(LAYER), 0, t + 1), "token " + t);
      }
    }
  }

  /**
   * BOS + 12 random sentencepiece ids; concept sequences carry token 300 at two random places. Equal lengths, so
   * position effects cancel in the mean difference.
   */
  private static List<int[]> sequences(Random random, int count, boolean withConcept) {
    List<int[]> out = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      int[] ids = new int[13];
      ids[0] = model.config().bosId();
      for (int t = 1; t < ids.length; t++) {
        do {
          ids[t] = 259 + random.nextInt(model.config().vocabSize() - 259);
        } while (ids[t] == CONCEPT_TOKEN);
      }
      if (withConcept) {
        ids[1 + random.nextInt(12)] = CONCEPT_TOKEN;
        ids[1 + random.nextInt(12)] = CONCEPT_TOKEN;
      }
      out.add(ids);
    }
    return out;
  }

  @Test
  void diffMeansDetectsAHeldOutTokenConceptAndARandomDirectionDoesNot() {
    Random random = new Random(5);
    var fit = new ConceptComparison.LabelledActivations(
        SentenceActivations.readTokens(model, LAYER, sequences(random, 30, true), 1),
        SentenceActivations.readTokens(model, LAYER, sequences(random, 30, false), 1));
    var heldOut = new ConceptComparison.LabelledActivations(
        SentenceActivations.readTokens(model, LAYER, sequences(random, 30, true), 1),
        SentenceActivations.readTokens(model, LAYER, sequences(random, 30, false), 1));
    float[] randomDirection = new float[model.config().dMlp()];
    Random directions = new Random(8);
    for (int i = 0; i < randomDirection.length; i++) {
      randomDirection[i] = (float) directions.nextGaussian();
    }
    List<ComparisonRow> rows = ConceptComparison.compare("token-300", fit, heldOut,
        List.of(new ConceptComparison.Candidate("random", "r", randomDirection))).rows();
    assertThat(rows.get(0).auroc()).as("held-out DiffMeans AUROC (0.91 when written)").isGreaterThanOrEqualTo(0.85);
    assertThat(rows.get(1).auroc()).as("random-direction AUROC").isBetween(0.35, 0.65);
  }
}
