package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The nearest accepted name is suggested only when it is plausibly what was meant. */
class UnknownFieldTest {

  private static final List<String> FACTORIZE = List.of("modelId", "datasetId", "layer", "hook", "k", "sparsity",
      "init", "seed", "maxIterations", "patience", "levels", "topInputs", "contextWindow", "contextLength",
      "batchSize", "fineTune", "shards");

  @Test
  void slipsOfTheKeyboardAndOtherCasesGetTheNameMeant() {
    assertThat(UnknownField.nearest("maxIteration", FACTORIZE)).isEqualTo("maxIterations");
    assertThat(UnknownField.nearest("model_id", FACTORIZE)).isEqualTo("modelId");
    assertThat(UnknownField.nearest("ModelID", FACTORIZE)).isEqualTo("modelId");
    assertThat(UnknownField.nearest("contextLenght", FACTORIZE)).isEqualTo("contextLength");
    assertThat(UnknownField.nearest("layers", FACTORIZE)).isEqualTo("layer");
    assertThat(UnknownField.nearest("iterations", FACTORIZE)).isEqualTo("maxIterations");
  }

  @Test
  void namesNothingLikeAnAcceptedOneGetNoGuess() {
    assertThat(UnknownField.nearest("x", FACTORIZE)).as("one letter away from k, but one letter long").isNull();
    assertThat(UnknownField.nearest("colour", FACTORIZE)).isNull();
    assertThat(UnknownField.nearest("iters", FACTORIZE)).isNull();
    assertThat(UnknownField.nearest("x".repeat(50_000), FACTORIZE)).isNull();
    assertThat(UnknownField.nearest("k", List.of())).isNull();
  }

  @Test
  void theSentenceNamesThePathTheGuessAndTheAcceptedNames() {
    assertThat(UnknownField.describe("steering.klTarget", "klTarget", List.of("enabled", "klTargets")))
        .isEqualTo("unknown field \"steering.klTarget\"; did you mean \"klTargets\"? accepted: enabled, klTargets");
    assertThat(UnknownField.describe("colour", "colour", List.of("name", "role")))
        .isEqualTo("unknown field \"colour\"; accepted: name, role");
    assertThat(UnknownField.describe("y".repeat(500), "y".repeat(500), List.of("name")))
        .as("a long name is cut").hasSizeLessThan(150);
  }

  @Test
  void distanceCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(UnknownField.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(UnknownField.distance("", "abc")).isEqualTo(3);
    assertThat(UnknownField.distance("same", "same")).isZero();
  }
}
