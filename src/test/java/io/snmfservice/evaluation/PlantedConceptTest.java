package io.snmfservice.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * DiffMeans and concept detection on synthetic activations with a planted concept direction u: every sentence is
 * 6–12 tokens of Gaussian noise; in concept sentences 1–3 tokens also carry 6·u.
 */
class PlantedConceptTest {

  private static final int D = 128;

  private static float[] unit(Random random) {
    float[] v = new float[D];
    double sq = 0;
    for (int i = 0; i < D; i++) {
      v[i] = (float) random.nextGaussian();
      sq += v[i] * v[i];
    }
    for (int i = 0; i < D; i++) {
      v[i] /= (float) Math.sqrt(sq);
    }
    return v;
  }

  private static List<float[][]> sentences(Random random, int count, float[] planted) {
    List<float[][]> out = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      float[][] tokens = new float[6 + random.nextInt(7)][D];
      for (float[] token : tokens) {
        for (int i = 0; i < D; i++) {
          token[i] = (float) random.nextGaussian();
        }
      }
      if (planted != null) {
        int carriers = 1 + random.nextInt(3);
        for (int c = 0; c < carriers; c++) {
          float[] token = tokens[random.nextInt(tokens.length)];
          for (int i = 0; i < D; i++) {
            token[i] += 6 * planted[i];
          }
        }
      }
      out.add(tokens);
    }
    return out;
  }

  private static double cos(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void diffMeansRecoversThePlantedDirectionAndDetectsTheConcept() {
    Random random = new Random(2025);
    float[] planted = unit(random);
    var fit = new ConceptComparison.LabelledActivations(sentences(random, 60, planted), sentences(random, 60, null));
    var heldOut = new ConceptComparison.LabelledActivations(sentences(random, 60, planted), sentences(random, 60, null));
    float[] randomDirection = unit(new Random(7));

    ConceptComparison.Comparison comparison = ConceptComparison.compare("planted", fit, heldOut, List.of(
        new ConceptComparison.Candidate("planted", "u", planted),
        new ConceptComparison.Candidate("random", "r", randomDirection)));

    assertThat(cos(comparison.diffMeans(), planted)).as("cos(DiffMeans, u)").isGreaterThan(0.8);
    ComparisonRow diffMeans = comparison.rows().get(0);
    ComparisonRow plantedRow = comparison.rows().get(1);
    ComparisonRow randomRow = comparison.rows().get(2);
    assertThat(diffMeans.method()).isEqualTo("diffmeans");
    assertThat(diffMeans.auroc()).as("DiffMeans AUROC").isGreaterThanOrEqualTo(0.95);
    assertThat(diffMeans.accuracy()).isGreaterThanOrEqualTo(0.9);
    assertThat(plantedRow.auroc()).as("planted AUROC").isGreaterThanOrEqualTo(0.95);
    assertThat(randomRow.auroc()).as("random-direction AUROC").isBetween(0.35, 0.65);
  }

  @Test
  void randomDirectionsDetectNothingOnAverage() {
    Random random = new Random(99);
    float[] planted = unit(random);
    List<float[][]> concept = sentences(random, 50, planted);
    List<float[][]> neutral = sentences(random, 50, null);
    double sum = 0;
    int n = 20;
    for (int i = 0; i < n; i++) {
      sum += ConceptDetection.evaluate(unit(random), concept, neutral).auroc();
    }
    assertThat(sum / n).as("mean AUROC of random directions").isBetween(0.4, 0.6);
  }

  @Test
  void diffMeansWeighsSentencesEquallyWhateverTheirLength() {
    float[][] shortConcept = {{2f, 0f}};
    float[][] longConcept = {{0f, 2f}, {0f, 2f}, {0f, 2f}, {0f, 2f}};
    float[][] neutral = {{0f, 0f}};
    // μ_concept = ((2,0) + (0,2)) / 2 = (1,1) → unit (1,1)/√2
    float[] z = DiffMeans.direction(List.<float[][]>of(shortConcept, longConcept), List.<float[][]>of(neutral));
    assertThat(z[0]).isCloseTo((float) Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(z[1]).isCloseTo((float) Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-6f));
  }
}
