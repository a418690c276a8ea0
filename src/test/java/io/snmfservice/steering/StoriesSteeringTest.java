package io.snmfservice.steering;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.Reference;
import io.snmfservice.transformer.TokenBatch;
import io.snmfservice.transformer.AddVector;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Steering stories260K: the alpha search against an independent KL, and the llama2.c steering fixture. */
class StoriesSteeringTest {

  private static HookedTransformer model;
  private static TextTokenizer tokenizer;

  @BeforeAll
  static void load() {
    model = StoriesModel.load();
    tokenizer = StoriesModel.tokenizer(model);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** Last-token logits of a prompt with an optional intervention, straight from the model. */
  private static float[] lastLogits(int[] prompt, AddVector intervention) {
    HookSpec spec = HookSpec.logits(LogitsMode.LAST);
    if (intervention != null) {
      spec = spec.withIntervention(intervention);
    }
    return model.forward(TokenBatch.single(prompt), spec).lastLogits(0);
  }

  @Test
  void alphaSearchReachesEveryKlTargetOrProvesItUnreachable() {
    SteeringVector vector = StoriesModel.fixtureVector();
    int[] prompt = BasePrompts.encode(tokenizer, 1, List.of(BasePrompts.DEFAULT)).get(0);
    AlphaSearch.Settings settings = AlphaSearch.Settings.defaults();
    SteeringProbe probe = new SteeringProbe(model, vector, List.of(prompt));
    double[] base = NaiveDistributions.softmax(lastLogits(prompt, null));
    int reached = 0;
    for (SteeringSign sign : SteeringSign.values()) {
      for (AlphaResult r : new AlphaSearch(settings).search(probe, sign, AlphaSearch.DEFAULT_TARGETS)) {
        // the unit vector z·α·s added at layer 2 by hand, the KL recomputed from plain softmaxes
        float[] scaled = vector.signed(sign);
        double[] steered = NaiveDistributions.softmax(lastLogits(prompt,
            new AddVector(vector.layer(), scaled, (float) r.alpha())));
        double kl = NaiveDistributions.kl(steered, base);
        assertThat(kl).as("reported KL").isCloseTo(r.kl(), org.assertj.core.data.Offset.offset(1e-6 + 1e-4 * kl));
        switch (r.status()) {
          case REACHED -> {
            assertThat(Math.abs(kl - r.target()) / r.target()).as(sign + " target " + r.target()).isLessThanOrEqualTo(0.05);
            assertThat(r.alpha()).isBetween(settings.lo(), settings.hi());
            reached++;
          }
          case UNREACHABLE_TOO_WEAK -> {
            double atHi = NaiveDistributions.kl(NaiveDistributions.softmax(lastLogits(prompt,
                new AddVector(vector.layer(), scaled, (float) settings.hi()))), base);
            assertThat(atHi).as(sign + " KL(hi) for unreachable " + r.target()).isLessThan(r.target());
          }
          default -> throw new AssertionError(sign + " target " + r.target() + ": " + r);
        }
      }
    }
    assertThat(reached).as("targets reached on stories260K").isGreaterThanOrEqualTo(7);
  }

  @Test
  void reproducesTheFixtureSteeredLogitsAtEveryPosition() {
    JsonObject reference = StoriesModel.reference();
    JsonObject steering = reference.getAsJsonObject("steering");
    int[] tokens = Reference.ints(reference.getAsJsonArray("tokens"));
    SteeringVector vector = StoriesModel.fixtureVector();
    // the fixture adds alpha·v; our vector is v/‖v‖, so α = alpha·‖v‖ adds the same
    double alpha = steering.get("alpha").getAsDouble() * vector.originalNorm();
    var result = model.forward(TokenBatch.single(tokens),
        HookSpec.logits(LogitsMode.ALL).withIntervention(vector.intervention(alpha)));
    JsonArray expected = steering.getAsJsonArray("logits");
    for (int pos = 0; pos < tokens.length; pos++) {
      Reference.assertClose(result.logits(0, pos), expected.get(pos).getAsJsonArray(), "steered logits at " + pos);
    }
    // the probe's last-token logits are the same numbers
    SteeringProbe probe = new SteeringProbe(model, vector, List.of(tokens));
    Reference.assertClose(probe.steeredLogits(alpha)[0], expected.get(tokens.length - 1).getAsJsonArray(),
        "probe logits");
  }

  @Test
  void sameSeedGivesTheSameSteeredGenerationsAsSingleSequenceGeneration() {
    SteeringVector vector = StoriesModel.fixtureVector();
    int[] prompt = BasePrompts.encode(tokenizer, 1, List.of(BasePrompts.DEFAULT)).get(0);
    GenerationSettings settings = GenerationSettings.defaults().withSeed(42).withCount(3).withNewTokens(24);
    int[][] first = SteeredGeneration.sample(model, prompt, vector, 8, settings);
    int[][] again = SteeredGeneration.sample(model, prompt, vector, 8, settings);
    int[][] unsteered = SteeredGeneration.sample(model, prompt, null, 0, settings);
    assertThat(first).hasNumberOfRows(3);
    assertThat(first[0]).hasSize(24);
    assertThat(again).isDeepEqualTo(first);
    assertThat(java.util.Arrays.deepEquals(unsteered, first)).as("steering changes the text").isFalse();
    // each batched row is the model's own single-sequence generation with that row's seed
    HookSpec steer = HookSpec.logits(LogitsMode.LAST).withIntervention(vector.intervention(8));
    for (int i = 0; i < first.length; i++) {
      int[] single = model.generate(prompt, 24, settings.sampling(), steer, 42 + i);
      assertThat(first[i]).as("sample " + i).isEqualTo(java.util.Arrays.copyOfRange(single, prompt.length, single.length));
    }
  }

  @Test
  void klOverSeveralPromptsIsTheMeanOfEachPromptsKl() {
    SteeringVector vector = StoriesModel.fixtureVector();
    List<int[]> prompts = BasePrompts.encode(tokenizer, 1, List.of("I think that", "Once upon a time, there was"));
    SteeringProbe both = new SteeringProbe(model, vector, prompts);
    double expected = 0;
    for (int[] prompt : prompts) {
      double[] base = NaiveDistributions.softmax(lastLogits(prompt, null));
      double[] steered = NaiveDistributions.softmax(lastLogits(prompt, vector.intervention(6)));
      expected += NaiveDistributions.kl(steered, base) / prompts.size();
    }
    assertThat(both.meanKl(6)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
  }
}
