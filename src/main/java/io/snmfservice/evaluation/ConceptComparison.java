package io.snmfservice.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares methods on one concept in one table: the DiffMeans direction fitted on the concept's training sentences
 * and any given vectors (e.g. SNMF features), each scored by {@link ConceptDetection} on the evaluation sentences.
 * Pass the same sets for fitting and evaluation only knowingly: DiffMeans is then scored in-sample.
 */
public final class ConceptComparison {

  /** Method name of the computed DiffMeans vector. */
  public static final String DIFFMEANS = "diffmeans";

  /** A vector to compare, with its provenance. */
  public record Candidate(String method, String vectorId, float[] vector) {}

  /** Activations of a concept's sentences and of neutral ones (see {@link SentenceActivations}). */
  public record LabelledActivations(List<float[][]> concept, List<float[][]> neutral) {}

  /** The DiffMeans vector that was computed and the table (DiffMeans first, then the candidates in order). */
  public record Comparison(float[] diffMeans, List<ComparisonRow> rows) {}

  private ConceptComparison() {}

  /**
   * @param fit sentences DiffMeans is computed from
   * @param evaluation sentences every vector is scored on
   */
  public static Comparison compare(String concept, LabelledActivations fit, LabelledActivations evaluation,
      List<Candidate> candidates) {
    float[] diffMeans = DiffMeans.direction(fit.concept(), fit.neutral());
    List<ComparisonRow> rows = new ArrayList<>();
    rows.add(row(DIFFMEANS, DIFFMEANS + ":" + concept, concept, diffMeans, evaluation));
    for (Candidate c : candidates) {
      rows.add(row(c.method(), c.vectorId(), concept, c.vector(), evaluation));
    }
    return new Comparison(diffMeans, List.copyOf(rows));
  }

  private static ComparisonRow row(String method, String id, String concept, float[] vector,
      LabelledActivations evaluation) {
    ConceptDetection.Result r = ConceptDetection.evaluate(vector, evaluation.concept(), evaluation.neutral());
    return new ComparisonRow(method, id, concept, r.auroc(), r.accuracy());
  }
}
