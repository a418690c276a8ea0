package io.snmfservice.transformer;

import io.snmfservice.support.TestDevice;
import static io.snmfservice.transformer.Reference.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.transformer.loader.TransformerLoader;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@ExtendWith(SingleThreadedTorch.class)
class GenerationTest {

  private static HookedTransformer model;
  private static final int[] PROMPT = {256, 'T', 'h', 'e', ' '};

  @BeforeAll
  static void load() {
    model = TransformerLoader.load(Reference.shared("models", "fortunes-byte-gpt2"), TestDevice.get());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void sameSeedGivesTheSameSampledText() {
    SamplingConfig sampling = SamplingConfig.sample(1.0f, 30, 0.9f);
    int[] first = model.generate(PROMPT, 40, sampling, HookSpec.none(), 42L);
    int[] again = model.generate(PROMPT, 40, sampling, HookSpec.none(), 42L);
    int[] otherSeed = model.generate(PROMPT, 40, sampling, HookSpec.none(), 43L);
    assertThat(first).hasSize(PROMPT.length + 40).startsWith(PROMPT).isEqualTo(again);
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @Test
  void batchedGenerationIsReproducibleAndGreedyRowsAgreeWithSingleGeneration() {
    int[] single = model.generate(PROMPT, 30, SamplingConfig.greedy(), HookSpec.none(), 0L);
    int[][] greedyRows = model.generate(PROMPT, 3, 30, SamplingConfig.greedy(), HookSpec.none(), 0L);
    assertThat(greedyRows).isEqualTo(new int[][] {single, single, single});
    SamplingConfig sampling = SamplingConfig.sample(1f, 30, 0.9f);
    int[][] sampled = model.generate(PROMPT, 4, 30, sampling, HookSpec.none(), 99L);
    assertThat(model.generate(PROMPT, 4, 30, sampling, HookSpec.none(), 99L)).isEqualTo(sampled);
    assertThat(Arrays.stream(sampled).map(Arrays::toString).distinct().count()).as("distinct rows").isGreaterThan(1);
  }

  @Test
  void topKOfOneIsGreedy() {
    assertThat(model.generate(PROMPT, 20, SamplingConfig.sample(0.7f, 1, 1f), HookSpec.none(), 5L))
        .isEqualTo(model.generate(PROMPT, 20, SamplingConfig.greedy(), HookSpec.none(), 0L));
  }

  @Test
  void cachedGenerationFollowsTheFullRecomputeArgmax() {
    int[] generated = model.generate(PROMPT, 12, SamplingConfig.greedy(), HookSpec.none(), 0L);
    for (int n = PROMPT.length; n < generated.length; n++) {
      ForwardResult full = model.forward(TokenBatch.single(Arrays.copyOf(generated, n)), HookSpec.logits(LogitsMode.LAST));
      assertThat(TokenSampler.argmax(full.lastLogits(0))).as("token %d", n).isEqualTo(generated[n]);
    }
  }

  @Test
  void stopsAtEosOnlyWhenAsked() {
    // the byte model uses 256 as both BOS and EOS: sample until it ends a fortune
    int[] open = model.generate(PROMPT, 200, SamplingConfig.sample(1f, 0, 1f), HookSpec.none(), 11L);
    int eosAt = -1;
    for (int i = PROMPT.length; i < open.length && eosAt < 0; i++) {
      eosAt = open[i] == 256 ? i : -1;
    }
    assertThat(open).hasSize(PROMPT.length + 200);
    int[] stopped = model.generate(PROMPT, 200, SamplingConfig.sample(1f, 0, 1f).stoppingAtEos(), HookSpec.none(), 11L);
    assertThat(stopped).isEqualTo(Arrays.copyOf(open, eosAt < 0 ? open.length : eosAt + 1));
  }

  @Test
  void steeringFromAPositionLeavesEarlierPositionsUntouched() {
    int[] tokens = {256, 'W', 'i', 's', 'e', ' ', 'm', 'e', 'n', ' ', 's', 'a', 'y'};
    float[] z = PaddedBatchTest.unit(model.config().dMlp(), new Random(3));
    ForwardResult plain = model.forward(TokenBatch.single(tokens), HookSpec.none());
    ForwardResult steered = model.forward(TokenBatch.single(tokens),
        HookSpec.none().withIntervention(new AddVector(1, z, 20f, 6)));
    ForwardResult steeredEverywhere = model.forward(TokenBatch.single(tokens),
        HookSpec.none().withIntervention(new AddVector(1, z, 20f)));
    for (int t = 0; t < tokens.length; t++) {
      if (t < 6) {
        assertClose(steered.logits(0, t), plain.logits(0, t), "unsteered position " + t);
      } else {
        assertThat(Reference.maxAbsDiff(steered.logits(0, t), plain.logits(0, t))).as("steered position " + t)
            .isGreaterThan(1e-2f);
      }
    }
    assertThat(Reference.maxAbsDiff(steeredEverywhere.logits(0, 0), plain.logits(0, 0))).isGreaterThan(1e-2f);
  }

  @Test
  void samplerFollowsTemperatureTopKAndTopP() {
    float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
    assertThat(frequencies(new TokenSampler(SamplingConfig.sample(1f, 0, 1f), 1), logits))
        .containsExactly(new double[] {0.5, 0.3, 0.2}, org.assertj.core.data.Offset.offset(0.01));
    assertThat(frequencies(new TokenSampler(SamplingConfig.sample(1f, 2, 1f), 2), logits))
        .containsExactly(new double[] {0.625, 0.375, 0}, org.assertj.core.data.Offset.offset(0.01));
    assertThat(frequencies(new TokenSampler(SamplingConfig.sample(1f, 0, 0.6f), 3), logits))
        .containsExactly(new double[] {0.625, 0.375, 0}, org.assertj.core.data.Offset.offset(0.01));
    assertThat(frequencies(new TokenSampler(SamplingConfig.sample(1f, 0, 0.5f), 4), logits))
        .containsExactly(new double[] {1, 0, 0}, org.assertj.core.data.Offset.offset(1e-9));
    // temperature 0.5 squares the probabilities: 25 : 9 : 4
    assertThat(frequencies(new TokenSampler(SamplingConfig.sample(0.5f, 0, 1f), 5), logits))
        .containsExactly(new double[] {25 / 38.0, 9 / 38.0, 4 / 38.0}, org.assertj.core.data.Offset.offset(0.01));
  }

  private static double[] frequencies(TokenSampler sampler, float[] logits) {
    double[] counts = new double[logits.length];
    int draws = 40_000;
    for (int i = 0; i < draws; i++) {
      counts[sampler.next(logits)] += 1.0 / draws;
    }
    return counts;
  }
}
