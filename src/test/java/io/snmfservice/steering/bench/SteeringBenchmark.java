package io.snmfservice.steering.bench;

import io.snmfservice.support.TestDevice;
import io.snmfservice.steering.AlphaResult;
import io.snmfservice.steering.BasePrompts;
import io.snmfservice.steering.GenerationSettings;
import io.snmfservice.steering.SteeredGeneration;
import io.snmfservice.steering.SteeringOutcome;
import io.snmfservice.steering.SteeringReport;
import io.snmfservice.steering.SteeringRunner;
import io.snmfservice.steering.SteeringSettings;
import io.snmfservice.steering.SteeringVector;
import io.snmfservice.transformer.HookSpec;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.LogitsMode;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import io.snmfservice.transformer.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Wall time of the full default steering protocol (7 KL targets × 2 signs, 8 × 50-token generations, offline
 * scores) for one seeded random unit direction, and batched vs one-at-a-time steered generation.
 * Arguments: modelPath layer [seed].
 */
public final class SteeringBenchmark {

  private SteeringBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int layer = Integer.parseInt(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    try (HookedTransformer model = TransformerLoader.load(path, TestDevice.get());
        TextTokenizer tokenizer = Tokenizers.forModel(path, model.config().vocabSize())) {
      float[] raw = new float[model.config().dMlp()];
      Random random = new Random(seed);
      for (int i = 0; i < raw.length; i++) {
        raw[i] = (float) random.nextGaussian();
      }
      SteeringVector vector = SteeringVector.normalized(layer, raw);
      SteeringRunner runner = new SteeringRunner(model, tokenizer);
      // warm-up: one short run
      runner.run(vector, List.of(BasePrompts.DEFAULT), SteeringSettings.defaults().withTargets(List.of(0.1))
          .withGeneration(GenerationSettings.defaults().withNewTokens(5)), (s, d, t) -> { });

      long start = System.nanoTime();
      SteeringReport report = runner.run(vector, List.of(BasePrompts.DEFAULT), SteeringSettings.defaults(),
          (s, d, t) -> { });
      double protocol = (System.nanoTime() - start) / 1e9;
      System.out.printf("model %s layer %d: full protocol %.1f s%n", path.getFileName(), layer, protocol);
      for (SteeringOutcome o : report.outcomes()) {
        AlphaResult a = o.alpha();
        System.out.printf("  %s target %.3f: %s alpha %.2f kl %.4f%s%n", o.sign(), a.target(), a.status(), a.alpha(),
            a.kl(), o.scores() == null ? "" : String.format(" outputCentric %.3f ppl %.2f (unsteered %.2f) react %.3f (%.3f)",
                o.scores().outputCentric(), o.scores().steeredPerplexity(), o.scores().unsteeredPerplexity(),
                o.scores().steeredReactivation(), o.scores().unsteeredReactivation()));
        if (!o.generations().isEmpty()) {
          System.out.printf("    e.g. %s%n", o.generations().get(0).text().replace("\n", "\\n"));
        }
      }

      int[] prompt = BasePrompts.encode(tokenizer, model.config().bosId(), List.of(BasePrompts.DEFAULT)).get(0);
      GenerationSettings eight = GenerationSettings.defaults();
      for (int repeat = 0; repeat < 3; repeat++) {
        long t0 = System.nanoTime();
        SteeredGeneration.sample(model, prompt, vector, 10, eight);
        double batched = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        HookSpec hooks = HookSpec.logits(LogitsMode.LAST).withIntervention(vector.intervention(10));
        for (int i = 0; i < eight.count(); i++) {
          model.generate(prompt, eight.newTokens(), eight.sampling(), hooks, eight.seed() + i);
        }
        double sequential = (System.nanoTime() - t0) / 1e9;
        System.out.printf("8 x 50 steered tokens: batched %.2f s, one at a time %.2f s%n", batched, sequential);
      }
    }
  }
}
