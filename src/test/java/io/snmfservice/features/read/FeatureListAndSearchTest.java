package io.snmfservice.features.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.StoredFactorizations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Feature list and search on planted features with known answers, read page by page through the API: the list's
 * orders against the same features sorted here (every sort key in both directions, two levels, ties broken by index
 * in both directions), and search rankings against scores computed here from the planted top inputs, promoted
 * tokens and descriptions.
 */
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureListAndSearchTest {

  private static final int[] LEVEL_SIZES = {23, 9};

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;

  ContractClient api;
  long factorization;

  @BeforeAll
  void seed() {
    api = new ContractClient(port);
    factorization = StoredFactorizations.insert(jdbc, 4, LEVEL_SIZES);
    for (int level = 0; level < LEVEL_SIZES.length; level++) {
      // frequency: four values, so runs of ties; max: three values; mean: distinct except 0 and 1
      jdbc.sql("INSERT INTO feature (factorization_id, level, index, direction, frequency, mean_activation,"
          + " max_activation, histogram) SELECT ?, ?, i, '{0,0,0,0}', (i * 7 % 4) * 0.25,"
          + " CASE WHEN i < 2 THEN 1 ELSE (i * 5 % 23) / 3.0 END, (i % 3) + 0.5, '{}'"
          + " FROM generate_series(0, ? - 1) i").params(factorization, level, LEVEL_SIZES[level]).update();
    }
    jdbc.sql("SELECT store_feature_ranks(?)").param(factorization).query().listOfRows();
    plantSearchTerms();
  }

  /**
   * Feature i (ids in index order, level 0 then 1) gets four top inputs, activation (4 - r)(1 + i mod 3) at rank r;
   * "apple" is the token at rank 0 when i mod 5 = 0 and " Apple " at rank 1 when i mod 7 = 0; the context at rank 2
   * holds "Apple pie" when i mod 4 = 0. "apple" is a promoted token when i mod 6 = 0 and only a suppressed one when
   * i mod 11 = 0; the description mentions pie when i mod 9 = 0.
   */
  private void plantSearchTerms() {
    List<Long> ids = featureIds();
    for (int i = 0; i < ids.size(); i++) {
      for (int r = 0; r < 4; r++) {
        String token = r == 0 && i % 5 == 0 ? "apple" : r == 1 && i % 7 == 0 ? " Apple " : "t" + i + "_" + r;
        String context = r == 2 && i % 4 == 0 ? "some Apple pie" : "some context";
        jdbc.sql("INSERT INTO feature_top_input (feature_id, rank, document, position, token_id, token_text,"
            + " activation, context_start, context_token_ids, context_tokens, context_activations, context_text)"
            + " VALUES (?, ?, 0, 0, 0, ?, ?, 0, '{}', '{}', '{}', ?)")
            .params(ids.get(i), r, token, (4 - r) * (1 + i % 3), context).update();
      }
      if (i % 6 == 0 || i % 11 == 0) {
        jdbc.sql("INSERT INTO feature_vocab (feature_id, sign, rank, token_id, token_text, value) VALUES (?, ?, 0, 0,"
            + " 'apple', 1)").params(ids.get(i), i % 6 == 0 ? 1 : -1).update();
      }
      if (i % 9 == 0) {
        jdbc.sql("INSERT INTO feature_description (feature_id, description, detection_trials, detection_failures,"
            + " trials) VALUES (?, 'fires on PIE recipes', 0, 0, '[]')").param(ids.get(i)).update();
      }
    }
  }

  /** The score search should give feature i for the planted terms (see {@link #plantSearchTerms}). */
  private static double expectedScore(int i, boolean token, boolean text) {
    double total = 0;
    double matching = 0;
    for (int r = 0; r < 4; r++) {
      double a = (4 - r) * (1 + i % 3);
      total += a;
      boolean tokenHit = token && (r == 0 && i % 5 == 0 || r == 1 && i % 7 == 0);
      boolean textHit = text && r == 2 && i % 4 == 0;
      matching += tokenHit || textHit ? a : 0;
    }
    return matching / total + (token && i % 6 == 0 ? 0.5 : 0) + (text && i % 9 == 0 ? 0.5 : 0);
  }

  @Test
  void searchRanksFeaturesByHowStronglyTheTermsDriveThemBestFirst() {
    List<Long> ids = featureIds();
    for (String query : List.of("token=apple", "text=pie", "token=APPLE&text=pie")) {
      boolean token = query.contains("token");
      boolean text = query.contains("text");
      List<Integer> matching = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (expectedScore(i, token, text) > 0) {
          matching.add(i);
        }
      }
      // best first, ties by level and index: ids are in that order
      matching.sort(Comparator.comparingDouble((Integer i) -> -expectedScore(i, token, text))
          .thenComparingInt(i -> i));
      List<Long> expected = matching.stream().map(ids::get).toList();
      List<Long> found = new ArrayList<>();
      for (int p = 0; ; p++) {
        JsonNode page = api.get("/v1/factorizations/" + factorization + "/features/search?" + query + "&size=4&page="
            + p).json();
        assertThat(page.get("total").asInt()).as(query).isEqualTo(expected.size());
        if (page.get("items").isEmpty()) {
          break;
        }
        page.get("items").forEach(f -> found.add(f.get("id").asLong()));
      }
      assertThat(found).as(query).isEqualTo(expected);
    }
  }

  private List<Long> featureIds() {
    return jdbc.sql("SELECT id FROM feature WHERE factorization_id = ? ORDER BY level, index").param(factorization)
        .query(Long.class).list();
  }

  @Test
  void everySortKeyInBothDirectionsPagesThroughTheFeaturesInOrderWithTiesByIndex() {
    for (int level = 0; level < LEVEL_SIZES.length; level++) {
      List<JsonNode> all = page(level, "index", "asc", 0, 100);
      assertThat(all).hasSize(LEVEL_SIZES[level]);
      for (String sort : FeatureQueries.SORTS) {
        for (String order : List.of("asc", "desc")) {
          // the summaries' fields are named like the sort keys
          Comparator<JsonNode> byValue = Comparator.comparingDouble(f -> f.get(sort).asDouble());
          List<Long> expected = all.stream()
              .sorted((order.equals("desc") ? byValue.reversed() : byValue)
                  .thenComparingInt(f -> f.get("index").asInt()))
              .map(f -> f.get("id").asLong()).toList();
          List<Long> paged = new ArrayList<>();
          for (int p = 0; ; p++) {
            List<JsonNode> items = page(level, sort, order, p, 5);
            if (items.isEmpty()) {
              break;
            }
            items.forEach(f -> paged.add(f.get("id").asLong()));
          }
          assertThat(paged).as("level %d, %s %s", level, sort, order).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void ranksGoWithTheirFactorization() {
    long other = StoredFactorizations.insert(jdbc, 4, 3);
    jdbc.sql("INSERT INTO feature (factorization_id, level, index, direction, frequency, mean_activation,"
        + " max_activation, histogram) SELECT ?, 0, i, '{0,0,0,0}', 0, 0, 0, '{}' FROM generate_series(0, 2) i")
        .param(other).update();
    jdbc.sql("SELECT store_feature_ranks(?)").param(other).query().listOfRows();
    assertThat(ranks(other)).isEqualTo(3 * 8);

    assertThat(api.delete("/v1/factorizations/" + other).status()).isEqualTo(204);
    assertThat(ranks(other)).isZero();
  }

  private long ranks(long id) {
    return jdbc.sql("SELECT count(*) FROM feature_rank WHERE factorization_id = ?").param(id).query(Long.class)
        .single();
  }

  private List<JsonNode> page(int level, String sort, String order, int page, int size) {
    JsonNode body = api.get("/v1/factorizations/" + factorization + "/features?level=" + level + "&sort=" + sort
        + "&order=" + order + "&page=" + page + "&size=" + size).json();
    assertThat(body.get("total").asInt()).isEqualTo(LEVEL_SIZES[level]);
    List<JsonNode> items = new ArrayList<>();
    body.get("items").forEach(items::add);
    return items;
  }
}
