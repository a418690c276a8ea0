package io.snmfservice.features;

import java.util.List;

/** Everything interpretation derived from a factorization, ready to be stored. */
record Interpretation(List<List<Feature>> levels, List<double[][]> links) {

  /**
   * One feature: its direction, statistics, top-activating inputs, examples from its activation quantiles, and
   * vocabulary projection.
   */
  record Feature(int level, int index, float[] direction, FeatureStatistics.Stats stats, List<TopInput> topInputs,
      List<Example> examples, List<VocabEntry> promoted, List<VocabEntry> suppressed) {}

  /** A token sampled from one activation quantile bin ({@link FeatureStatistics.Sample}) with its context. */
  record Example(int bin, float low, float high, float fraction, boolean exact, TopInput input) {}

  /**
   * A top-activating token with its context window, the feature's activation on each context token, and each
   * token's share of the decoded text ({@link ContextPieces}).
   */
  record TopInput(int rank, int document, int position, int tokenId, String tokenText, float activation,
      int contextStart, int[] contextTokenIds, String[] contextTokens, float[] contextActivations,
      String contextText, String[] contextPieces) {}

  /** A vocabulary token of the feature's projection and its logit. */
  record VocabEntry(int rank, int tokenId, String tokenText, float value) {}
}
