package io.snmfservice.features;

import io.snmfservice.activations.HookName;
import io.snmfservice.activations.TokenIndex;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.snmf.HierarchyLevel;
import io.snmfservice.snmf.HierarchyResult;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Explains the features of a factorization as the paper's scripts do: top-activating tokens (largest G[:, k])
 * with ±w tokens of context, and the vocabulary projection unembed(ln_final(W_out · f_k)) of each direction,
 * top tokens for +f_k and for −f_k. Coarser hierarchy levels use the token coefficients pushed through the links.
 */
final class Interpreter {

  static final int VOCAB_TOP = 75;

  private final LoadedModel model;
  private final FactorizationSettings settings;
  private final TokenIndex index;
  private final JobContext job;
  private final Map<Integer, Integer> documentLengths = new HashMap<>();

  Interpreter(LoadedModel model, FactorizationSettings settings, TokenIndex index, JobContext job) {
    this.model = model;
    this.settings = settings;
    this.index = index;
    this.job = job;
    for (int c = 0; c < index.size(); c++) {
      documentLengths.merge(index.document(c), 1, Integer::sum);
    }
  }

  Interpretation interpret(HierarchyResult factors) {
    List<List<Interpretation.Feature>> levels = new ArrayList<>();
    int levelCount = factors.levels().size();
    for (int l = 0; l < levelCount; l++) {
      job.report("interpret", 0.85 + 0.10 * l / levelCount, "level " + (l + 1) + " of " + levelCount);
      TokenRows rows = l == 0 ? TokenRows.of(factors.tokens().g())
          : TokenRows.through(factors.tokens().g(), factors.links().subList(0, l));
      FeatureStatistics.Result stats = FeatureStatistics.compute(rows, settings.topInputs(), job::checkpoint);
      HierarchyLevel level = factors.levels().get(l);
      List<Interpretation.Feature> features = new ArrayList<>(level.k());
      for (int j = 0; j < level.k(); j++) {
        float[] direction = toFloats(level.feature(j));
        List<Interpretation.VocabEntry> promoted = List.of();
        List<Interpretation.VocabEntry> suppressed = List.of();
        if (settings.hook().equals(HookName.MLP_POST)) {
          float[] logits = model.transformer().projectMlpDirectionToVocab(settings.layer(), direction);
          promoted = vocab(logits, true);
          suppressed = vocab(logits, false);
        }
        features.add(new Interpretation.Feature(l, j, direction, stats.stats().get(j),
            topInputs(rows, j, stats.top().get(j)), examples(rows, j, stats.examples().get(j)), promoted,
            suppressed));
      }
      levels.add(features);
    }
    return new Interpretation(levels, factors.links());
  }

  private List<Interpretation.TopInput> topInputs(TokenRows rows, int feature, List<FeatureStatistics.Top> top) {
    List<Interpretation.TopInput> out = new ArrayList<>(top.size());
    for (int rank = 0; rank < top.size(); rank++) {
      out.add(context(rows, feature, rank, top.get(rank).column(), top.get(rank).activation()));
    }
    return out;
  }

  private List<Interpretation.Example> examples(TokenRows rows, int feature, List<FeatureStatistics.Sample> samples) {
    List<Interpretation.Example> out = new ArrayList<>(samples.size());
    int rank = 0;
    int bin = -1;
    for (FeatureStatistics.Sample s : samples) {
      rank = s.bin() == bin ? rank + 1 : 0;
      bin = s.bin();
      out.add(new Interpretation.Example(s.bin(), (float) s.low(), (float) s.high(), (float) s.fraction(), s.exact(),
          context(rows, feature, rank, s.column(), s.activation())));
    }
    return out;
  }

  /** The token at {@code column} with ±w tokens of its document around it. */
  private Interpretation.TopInput context(TokenRows rows, int feature, int rank, long column, double activation) {
    TextTokenizer tokenizer = model.tokenizer();
    int w = settings.contextWindow();
    int c = Math.toIntExact(column);
    int document = index.document(c);
    int position = index.position(c);
    int first = Math.max(0, position - w);
    int last = Math.min(documentLengths.get(document) - 1, position + w);
    int count = last - first + 1;
    long firstColumn = column - (position - first);
    double[] values = rows.rows(firstColumn, count);
    int[] ids = new int[count];
    String[] texts = new String[count];
    float[] activations = new float[count];
    for (int i = 0; i < count; i++) {
      ids[i] = index.token(Math.toIntExact(firstColumn + i));
      texts[i] = tokenizer.tokenText(ids[i]);
      activations[i] = (float) values[i * rows.k() + feature];
    }
    return new Interpretation.TopInput(rank, document, position, index.token(c), tokenizer.tokenText(index.token(c)),
        (float) activation, first, ids, texts, activations, tokenizer.decode(ids),
        ContextPieces.of(tokenizer, ids));
  }

  private List<Interpretation.VocabEntry> vocab(float[] logits, boolean highest) {
    Comparator<Integer> order = Comparator.comparingDouble(i -> logits[i]);
    Integer[] ids = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
    Arrays.sort(ids, highest ? order.reversed() : order);
    List<Interpretation.VocabEntry> out = new ArrayList<>();
    for (int r = 0; r < Math.min(VOCAB_TOP, ids.length); r++) {
      out.add(new Interpretation.VocabEntry(r, ids[r], model.tokenizer().tokenText(ids[r]), logits[ids[r]]));
    }
    return out;
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
