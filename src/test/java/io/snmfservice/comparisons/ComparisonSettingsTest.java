package io.snmfservice.comparisons;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.steering.SteeringSettings;
import io.snmfservice.steering.SteeringSign;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code compare} job's parameters as the settings record reads and writes them: the JSON stored by jobs queued
 * before the record existed reads the same, and is written back unchanged (it is the comparison's settings).
 */
class ComparisonSettingsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** The parameters as ComparisonService wrote them field by field. */
  private static final String STORED = """
      {"modelId":7,
       "concepts":[{"name":"german","description":null,"sentences":["a","b"],"neutral":["c","d"]}],
       "methods":[{"name":"snmf","kind":"factorization","factorizationId":5,"level":1,"hook":"blocks.2.mlp.hook_post"},
                  {"name":"sae","kind":"vector-set","vectorSetId":3,"hook":"blocks.2.hook_resid_post"},
                  {"name":"dm","kind":"diffmeans","hook":"blocks.2.mlp.hook_post"}],
       "steering":{"klTargets":[0.25,0.5],"signs":["+","-"],"prompts":["I think that"],"alphaRange":[1.0,2000.0],
                   "tolerance":0.05,"topP":0.3,"temperature":1.0,"generations":8,"newTokens":50,"topK":30,"seed":9}}
      """;

  @Test
  void parametersStoredBeforeTheRecordReadTheSameAndAreWrittenBackUnchanged() {
    ComparisonSettings s = ComparisonSettings.fromJson(JSON, JSON.readTree(STORED));
    assertThat(s.modelId()).isEqualTo(7);
    assertThat(s.concepts().get(0).sentences()).containsExactly("a", "b");
    assertThat(s.methods()).extracting(ComparisonSettings.Method::kind)
        .containsExactly("factorization", "vector-set", "diffmeans");
    assertThat(s.methods().get(0).level()).isEqualTo(1);
    assertThat(s.methods().get(1).vectorSetId()).isEqualTo(3L);
    assertThat(s.methods().get(2).diffMeans()).isTrue();
    JsonNode written = JSON.readTree(JSON.writeValueAsString(s.toJson(JSON)));
    assertThat(written).isEqualTo(JSON.readTree(STORED));
  }

  @Test
  void theSteeringProtocolBecomesTheRunnersSettingsOrNoneWithoutTargets() {
    ComparisonSettings s = ComparisonSettings.fromJson(JSON, JSON.readTree(STORED));
    SteeringSettings runner = s.steering().runnerSettings();
    assertThat(runner.targets()).containsExactly(0.25, 0.5);
    assertThat(runner.signs()).containsExactly(SteeringSign.POSITIVE, SteeringSign.NEGATIVE);
    assertThat(runner.alpha().hi()).isEqualTo(2000.0);
    assertThat(runner.generation().seed()).isEqualTo(9);
    ComparisonSettings.Steering off = new ComparisonSettings.Steering(List.of(), List.of("+"), List.of("p"),
        List.of(1.0, 2.0), 0.05, 0.3, 1.0, 8, 50, 30, 0);
    assertThat(off.runnerSettings()).isNull();
  }
}
