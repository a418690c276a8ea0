package io.snmfservice.explanations;

import io.snmfservice.steering.JudgeClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a feature's description from its top-activating contexts and promoted vocabulary tokens, and scores the
 * description by detection (after Bills et al.'s and EleutherAI's auto-interpretation): the judge sees only the
 * description and one text at a time and says whether the feature fires on it; the accuracy over held-out activating
 * and non-activating texts is the score. It also scores the description by fuzzing (after EleutherAI delphi): the
 * judge sees the description and one text with some tokens marked and says whether the marked tokens are where the
 * feature fires; the marks are the true ones on held-out activating texts and wrong ones on non-activating texts
 * ({@link FuzzSamples}). Prompts: {@code explanations/explain.txt}, {@code explanations/detect.txt},
 * {@code explanations/fuzz.txt}. Definitions in docs/metrics.md. Plain Java: the caller owns the client.
 */
public final class FeatureExplainer {

  /** Longest description kept. */
  static final int MAX_DESCRIPTION = 300;

  private static final Pattern DESCRIPTION = Pattern.compile("(?im)^\\s*\\**description\\**\\s*:\\s*(.+)$");
  private static final Pattern ANSWER = Pattern.compile("\\[\\[\\s*([01])\\s*]]");

  private final JudgeClient judge;
  private final String explainPrompt = resource("explain.txt");
  private final String detectPrompt = resource("detect.txt");
  private final String fuzzPrompt = resource("fuzz.txt");

  public FeatureExplainer(JudgeClient judge) {
    this.judge = judge;
  }

  /** A text shown to the judge in the detection test, its truth and the judge's answer (null: no usable answer). */
  public record Trial(String text, boolean activating, Boolean answer) {}

  /** Detection accuracy over the trials that got an answer (null when none did). */
  public record Detection(Double accuracy, int answered, int failures, List<Trial> trials) {}

  /** A marked text shown in the fuzzing test, whether its marks are the true ones, the judge's answer (or null). */
  public record FuzzTrial(String text, boolean correctlyMarked, Boolean answer) {}

  /**
   * Fuzzing scores over the trials that got an answer, "positive" meaning correctly marked: accuracy (null when
   * none was answered) and balanced accuracy (the mean of the two classes' recalls; null unless both classes were
   * answered), with the confusion counts and the trials the judge gave no usable answer for.
   */
  public record Fuzzing(Double accuracy, Double balancedAccuracy, int answered, int failures, int truePositives,
      int trueNegatives, int falsePositives, int falseNegatives, List<FuzzTrial> trials) {

    static Fuzzing of(List<FuzzTrial> trials) {
      int tp = 0;
      int tn = 0;
      int fp = 0;
      int fn = 0;
      int failures = 0;
      for (FuzzTrial t : trials) {
        if (t.answer() == null) {
          failures++;
        } else if (t.correctlyMarked()) {
          tp += t.answer() ? 1 : 0;
          fn += t.answer() ? 0 : 1;
        } else {
          fp += t.answer() ? 1 : 0;
          tn += t.answer() ? 0 : 1;
        }
      }
      int answered = tp + tn + fp + fn;
      Double accuracy = answered == 0 ? null : (double) (tp + tn) / answered;
      Double balanced = tp + fn == 0 || tn + fp == 0 ? null
          : ((double) tp / (tp + fn) + (double) tn / (tn + fp)) / 2;
      return new Fuzzing(accuracy, balanced, answered, failures, tp, tn, fp, fn, List.copyOf(trials));
    }
  }

  /**
   * The description, or null when the judge gave none.
   *
   * @param contexts top-activating contexts with the firing token marked (see {@link #mark})
   */
  public String describe(List<String> contexts, List<String> promotedTokens) {
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < contexts.size(); i++) {
      shown.append(i + 1).append(". ").append(contexts.get(i)).append('\n');
    }
    List<String> quoted = new ArrayList<>();
    promotedTokens.forEach(t -> quoted.add('"' + t + '"'));
    JudgeClient.Completion reply = judge.complete(explainPrompt.replace("{contexts}", shown.toString().strip())
        .replace("{tokens}", String.join(", ", quoted)));
    return reply.ok() ? parseDescription(reply.content()) : null;
  }

  /** Asks about every text and scores the answers. */
  public Detection detect(String description, List<String> activating, List<String> nonActivating) {
    List<Trial> trials = new ArrayList<>();
    int correct = 0;
    int answered = 0;
    int failures = 0;
    List<String> texts = new ArrayList<>(activating);
    texts.addAll(nonActivating);
    for (int i = 0; i < texts.size(); i++) {
      boolean truth = i < activating.size();
      JudgeClient.Completion reply = judge.complete(detectPrompt.replace("{description}", description)
          .replace("{text}", texts.get(i)));
      Boolean answer = reply.ok() ? parseAnswer(reply.content()) : null;
      if (answer == null) {
        failures++;
      } else {
        answered++;
        correct += answer == truth ? 1 : 0;
      }
      trials.add(new Trial(texts.get(i), truth, answer));
    }
    return new Detection(answered == 0 ? null : (double) correct / answered, answered, failures, List.copyOf(trials));
  }

  /** Asks about every sample, one at a time, whether its marks fit the description, and scores the answers. */
  public Fuzzing fuzz(String description, List<FuzzSamples.Sample> samples) {
    List<FuzzTrial> trials = new ArrayList<>();
    for (FuzzSamples.Sample sample : samples) {
      JudgeClient.Completion reply = judge.complete(fuzzPrompt.replace("{description}", description)
          .replace("{text}", sample.text()));
      trials.add(new FuzzTrial(sample.text(), sample.correctlyMarked(), reply.ok() ? parseAnswer(reply.content()) : null));
    }
    return Fuzzing.of(trials);
  }

  /** A context with the firing token marked: {@code … ⟦token⟧(2.31) …}. */
  public static String mark(List<String> tokens, List<Float> activations, int markIndex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      if (i == markIndex) {
        out.append('⟦').append(tokens.get(i)).append('⟧')
            .append(String.format(Locale.ROOT, "(%.2f)", activations.get(i)));
      } else {
        out.append(tokens.get(i));
      }
    }
    return out.toString().replace('\n', ' ');
  }

  /** The text after "Description:", else the first non-empty line; quotes and trailing periods trimmed. */
  static String parseDescription(String reply) {
    if (reply == null) {
      return null;
    }
    Matcher m = DESCRIPTION.matcher(reply);
    String line = null;
    while (m.find()) {
      line = m.group(1);
    }
    if (line == null) {
      line = reply.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse(null);
    }
    if (line == null) {
      return null;
    }
    String d = line.strip().replaceAll("^[\"'“”]+|[\"'“”]+$", "").strip();
    if (d.isEmpty()) {
      return null;
    }
    return d.length() <= MAX_DESCRIPTION ? d : d.substring(0, MAX_DESCRIPTION);
  }

  /** The last {@code [[0]]}/{@code [[1]]} of a reply, or null. */
  static Boolean parseAnswer(String reply) {
    if (reply == null) {
      return null;
    }
    Matcher m = ANSWER.matcher(reply);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    return last == null ? null : last.equals("1");
  }

  private static String resource(String name) {
    try (InputStream in = FeatureExplainer.class.getResourceAsStream("/explanations/" + name)) {
      if (in == null) {
        throw new IllegalStateException("prompt resource explanations/" + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
