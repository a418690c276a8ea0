package io.snmfservice.features.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.StoredFactorizations;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The prepared representations (V19) answer every feature read with the bytes of the query path. A planted
 * factorization of two levels (ties in every sort key, links, examples in bins, contexts with and without pieces,
 * tokens and descriptions that need escaping) is read through the API route by route — every list order and page
 * size, page by page past the end, searches, each feature's detail, top inputs, examples, vocabulary, parents and
 * children — first from the queries (nothing prepared), then prepared, and the answers must be the same bytes.
 * Descriptions written, changed and removed after preparing, and a delete, are served at once.
 */
@ServiceTest
class PreparedReadsTest {

  private static final int[] LEVEL_SIZES = {13, 5};
  private static final String[] SEARCHES = {"token=apple", "token=%20APPLE%20", "token=t3_1", "token=caf%C3%A9",
      "token=none", "token=apple&text=pie", "text=pie", "token=t0_0"};

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;
  @Autowired PreparedReadWriter writer;
  @Autowired FeatureResponseCache cache;
  @Autowired PlatformTransactionManager transactions;
  @Autowired PreparedRoutes preparedRoutes;

  @Test
  void preparedAnswersAreTheQueriesBytesOnEveryRoute() {
    long factorization = plant();
    ContractClient api = new ContractClient(port);
    List<String> routes = new ArrayList<>(routes(factorization));
    routes.addAll(otherSpellings(factorization));
    Map<String, Http.Response> queried = read(api, routes);

    prepare(factorization);
    assertThat(jdbc.sql("SELECT reads_prepared FROM factorization WHERE id = ?").param(factorization)
        .query(Boolean.class).single()).isTrue();
    assertThat(jdbc.sql("SELECT count(*) FROM feature_read p JOIN feature f ON f.id = p.feature_id"
        + " WHERE f.factorization_id = ?").param(factorization).query(Long.class).single()).isEqualTo(18);
    // whole pages of sizes 20 and 50: one per level, order and size here
    assertThat(jdbc.sql("SELECT count(*) FROM feature_page WHERE factorization_id = ?").param(factorization)
        .query(Long.class).single()).isEqualTo(2 * 8 * 2);
    Map<String, Http.Response> prepared = read(api, routes);

    for (String route : routes) {
      assertSame(route, prepared.get(route), queried.get(route));
    }
    assertThat(queried.values().stream().filter(r -> r.status() == 200).count()).isGreaterThan(200);
  }

  /**
   * Well-formed reads of a prepared factorization are answered before Spring MVC ({@link PreparedRoutes}); other
   * spellings of the same requests, and invalid ones, are left to the controllers (the test above: same answers).
   */
  @Test
  void wellFormedReadsAreAnsweredBeforeTheControllers() {
    long factorization = plant();
    prepare(factorization);
    ContractClient api = new ContractClient(port);
    int answered = 0;
    for (String route : routes(factorization)) {
      Http.Response sent = api.get(route);
      byte[] early = preparedRoutes.answer(request(route));
      boolean prepared = sent.status() == 200 && !route.matches(".*/(parents|children)$") && !route.contains("text=");
      assertThat(early != null).as(route).isEqualTo(prepared);
      if (early != null) {
        assertThat(new String(early, StandardCharsets.UTF_8)).as(route).isEqualTo(sent.body());
        answered++;
      }
    }
    assertThat(answered).isGreaterThan(300);
    for (String route : otherSpellings(factorization)) {
      assertThat(preparedRoutes.answer(request(route))).as(route).isNull();
    }
  }

  private static MockHttpServletRequest request(String route) {
    return MockMvcRequestBuilders.get(URI.create(route)).buildRequest(new MockServletContext());
  }

  @Test
  void preparedRowsAreWhatIsServed() {
    long factorization = plant();
    prepare(factorization);
    long feature = featureIds(factorization).get(2);
    ContractClient api = new ContractClient(port);
    Http.Response before = api.get("/v1/features/" + feature + "/top-inputs");
    // never done to a written factorization: shows that the answer comes from the prepared row, not the table
    jdbc.sql("UPDATE feature_top_input SET token_text = 'rewritten' WHERE feature_id = ?").param(feature).update();
    cache.clear();
    assertThat(api.get("/v1/features/" + feature + "/top-inputs").body()).isEqualTo(before.body());
  }

  @Test
  void descriptionsWrittenChangedOrRemovedAfterPreparingAreServedAtOnce() {
    long factorization = plant();
    prepare(factorization);
    List<Long> ids = featureIds(factorization);
    ContractClient api = new ContractClient(port);
    List<String> routes = routes(factorization);
    Map<String, Http.Response> before = read(api, routes);

    describe(ids.get(1), "new \"one\"\u2028\u0007", 0.625);
    jdbc.sql("UPDATE feature_description SET description = 'changed: ' || description, detection_accuracy = NULL"
        + " WHERE feature_id = ?").param(ids.get(0)).update();
    jdbc.sql("DELETE FROM feature_description WHERE feature_id = ?").param(ids.get(9)).update();
    cache.clear();
    Map<String, Http.Response> after = read(api, routes);

    // what the query path answers now: the same factorization with its reads unprepared
    jdbc.sql("UPDATE factorization SET reads_prepared = false WHERE id = ?").param(factorization).update();
    jdbc.sql("DELETE FROM feature_read WHERE feature_id IN (SELECT id FROM feature WHERE factorization_id = ?)")
        .param(factorization).update();
    jdbc.sql("DELETE FROM feature_page WHERE factorization_id = ?").param(factorization).update();
    cache.clear();
    Map<String, Http.Response> queried = read(api, routes);
    for (Map.Entry<String, Http.Response> q : queried.entrySet()) {
      assertSame(q.getKey(), after.get(q.getKey()), q.getValue());
    }
    String detail = "/v1/features/" + ids.get(1);
    assertThat(after.get(detail).json().get("description").asString()).isEqualTo("new \"one\"\u2028\u0007");
    assertThat(after.get(detail).body()).isNotEqualTo(before.get(detail).body());
    assertThat(after.get("/v1/features/" + ids.get(0)).json().get("description").asString()).startsWith("changed: ");
    assertThat(after.get("/v1/features/" + ids.get(9)).json().get("description").isNull()).isTrue();
  }

  @Test
  void aDeletedFactorizationsPreparedReadsGoWithIt() {
    long factorization = plant();
    prepare(factorization);
    List<Long> ids = featureIds(factorization);
    ContractClient api = new ContractClient(port);
    assertThat(api.get("/v1/features/" + ids.get(0)).status()).isEqualTo(200);
    assertThat(api.delete("/v1/factorizations/" + factorization).status()).isEqualTo(204);
    cache.clear();
    for (String route : routes(factorization)) {
      assertThat(api.get(route).status()).as(route).isEqualTo(404);
    }
    assertThat(jdbc.sql("SELECT count(*) FROM feature_token_score WHERE factorization_id = ?").param(factorization)
        .query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM feature_page WHERE factorization_id = ?").param(factorization)
        .query(Long.class).single()).isZero();
  }

  private void prepare(long factorization) {
    new TransactionTemplate(transactions).executeWithoutResult(s -> writer.prepare(factorization));
    cache.clear();
  }

  private static void assertSame(String route, Http.Response actual, Http.Response expected) {
    assertThat(actual.status()).as(route).isEqualTo(expected.status());
    assertThat(endToEnd(actual.headers())).as(route).isEqualTo(endToEnd(expected.headers()));
    assertThat(actual.body()).as(route).isEqualTo(expected.body());
  }

  private static Map<String, List<String>> endToEnd(Map<String, List<String>> headers) {
    Map<String, List<String>> kept = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    kept.putAll(headers);
    kept.remove("date");
    kept.remove("connection"); // close after the server's most requests on one connection
    return kept;
  }

  /**
   * Requests the controllers read in their own way (numbers as Java's decode reads them, empty values as the
   * default, repeated parameters) or refuse (4xx), and unknown features.
   */
  private List<String> otherSpellings(long factorization) {
    String base = "/v1/factorizations/" + factorization + "/features";
    List<String> routes = new ArrayList<>();
    for (String query : List.of("page=00", "size=010", "size=0x4", "page=", "page=1&page=2", "page=-1", "size=0",
        "size=501", "page=99999999999999999999", "page=2147483647&size=500")) {
      routes.add(base + "?" + query);
      routes.add(base + "/search?token=apple&" + query);
    }
    for (String query : List.of("level=", "sort=", "order=", "sort=index&sort=frequency", "sort=bogus", "order=up",
        "level=9", "level=x")) {
      routes.add(base + "?" + query);
    }
    routes.add(base + "/search?token=");
    routes.add(base + "/search?token=apple&token=pie");
    routes.add(base + "/search?token=apple&text=");
    long feature = featureIds(factorization).get(3);
    routes.add("/v1/features/0" + feature);
    routes.add("/v1/features/" + (feature + 1_000_000) + "/vocab");
    routes.add("/v1/factorizations/0" + factorization + "/features");
    routes.add("/v1/factorizations/" + (factorization + 1_000_000) + "/features/search?token=apple");
    routes.add("/v1/factorizations/" + (factorization + 1_000_000) + "/features?size=50");
    return routes;
  }

  private static Map<String, Http.Response> read(ContractClient api, List<String> routes) {
    Map<String, Http.Response> answers = new LinkedHashMap<>();
    for (String route : routes) {
      answers.put(route, api.get(route));
    }
    return answers;
  }

  /** Every read route of the factorization, each list order and size page by page up to one page past the end. */
  private List<String> routes(long factorization) {
    String base = "/v1/factorizations/" + factorization + "/features";
    List<String> routes = new ArrayList<>();
    routes.add(base);
    for (int level = 0; level < LEVEL_SIZES.length; level++) {
      for (String sort : FeatureQueries.SORTS) {
        for (String order : List.of("asc", "desc")) {
          for (int size : new int[] {1, 4, 20, 50}) {
            for (int page = 0; page * size <= LEVEL_SIZES[level]; page++) {
              routes.add(base + "?level=" + level + "&sort=" + sort + "&order=" + order + "&size=" + size
                  + "&page=" + page);
            }
          }
        }
      }
    }
    for (String search : SEARCHES) {
      for (int size : new int[] {1, 3, 20}) {
        for (int page = 0; page < 6; page++) {
          routes.add(base + "/search?" + search + "&size=" + size + "&page=" + page);
        }
      }
    }
    for (long id : featureIds(factorization)) {
      for (String read : List.of("", "/top-inputs", "/examples", "/vocab", "/parents", "/children")) {
        routes.add("/v1/features/" + id + read);
      }
    }
    return routes;
  }

  private List<Long> featureIds(long factorization) {
    return jdbc.sql("SELECT id FROM feature WHERE factorization_id = ? ORDER BY level, index").param(factorization)
        .query(Long.class).list();
  }

  /**
   * Features with ties in every sort key; feature i gets top inputs (some with context pieces, some tokens needing
   * escaping), examples in two bins (quantile bins with shares when i is odd, old intervals without), promoted and
   * suppressed tokens, a description when i mod 4 = 0 (with and without a detection accuracy); each level-0 feature
   * links to one or two level-1 parents.
   */
  private long plant() {
    long factorization = StoredFactorizations.insert(jdbc, 3, LEVEL_SIZES);
    for (int level = 0; level < LEVEL_SIZES.length; level++) {
      jdbc.sql("INSERT INTO feature (factorization_id, level, index, direction, frequency, mean_activation,"
          + " max_activation, histogram) SELECT ?, ?, i, ARRAY[i * 0.1, -1.5e-7, 3]::real[], (i * 7 % 4) * 0.1,"
          + " CASE WHEN i < 2 THEN 1 ELSE (i * 5 % 13) / 3.0 END, (i % 3) + 0.3,"
          + " jsonb_build_object('binEdges', ARRAY[0, 0.5, i], 'counts', ARRAY[i, 2])"
          + " FROM generate_series(0, ? - 1) i").params(factorization, level, LEVEL_SIZES[level]).update();
    }
    jdbc.sql("SELECT store_feature_ranks(?)").param(factorization).query().listOfRows();
    List<Long> ids = featureIds(factorization);
    for (int i = 0; i < ids.size(); i++) {
      long id = ids.get(i);
      for (int r = 0; r < 4; r++) {
        String token = r == 0 && i % 5 == 0 ? "apple" : r == 1 && i % 7 == 0 ? " Apple " : r == 2 && i % 3 == 0
            ? "café \"q\"\n" : "t" + i + "_" + r;
        String context = r == 2 && i % 4 == 0 ? "some Apple pie" : "some context";
        String pieces = r % 2 == 0 ? "{a,\"b c\",é}" : null;
        jdbc.sql("INSERT INTO feature_top_input (feature_id, rank, document, position, token_id, token_text,"
            + " activation, context_start, context_token_ids, context_tokens, context_activations, context_text,"
            + " context_pieces) VALUES (?, ?, ?, ?, ?, ?, ?, 2, '{1,2}', '{x,\"y\"}', '{0.1,0.25}', ?, ?::text[])")
            .params(id, r, i, r, 100 + r, token, (4 - r) * (1 + i % 3) / 3.0f, context, pieces).update();
        jdbc.sql("INSERT INTO feature_example (feature_id, bin, bin_low, bin_high, bin_fraction, bin_exact, rank,"
            + " document, position, token_id, token_text, activation, context_start, context_token_ids,"
            + " context_tokens, context_activations, context_text) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 2, 3, ?, ?, 0,"
            + " '{3}', '{z}', '{0.5}', 'an example')")
            .params(id, r % 2, r % 2 * 0.5f, r % 2 * 0.5f + 0.5f, i % 2 == 0 ? null : 0.1f * (r + 1), // quantile bins
                i % 2 == 0 ? null : r < 2, r / 2, token, 0.1f * r).update(); // or old intervals (nulls)
        jdbc.sql("INSERT INTO feature_vocab (feature_id, sign, rank, token_id, token_text, value) VALUES"
            + " (?, 1, ?, ?, ?, ?), (?, -1, ?, ?, ?, ?)")
            .params(id, r, r, r == 0 && i % 6 == 0 ? "apple" : "v" + r, 2.5f - r, id, r, 50 + r,
                r == 0 && i % 11 == 0 ? "apple" : "w" + r, -1.25f * r).update();
      }
      if (i % 4 == 0) {
        describe(id, i % 8 == 0 ? "fires on PIE recipes \"\\ ü\t" : "plain", i % 8 == 0 ? null : 0.75 + i);
      }
      if (i < LEVEL_SIZES[0]) {
        long parent = ids.get(LEVEL_SIZES[0] + i % LEVEL_SIZES[1]);
        jdbc.sql("INSERT INTO feature_link (child_id, parent_id, weight) VALUES (?, ?, ?)")
            .params(id, parent, 0.5f + i).update();
        if (i % 3 == 0) {
          jdbc.sql("INSERT INTO feature_link (child_id, parent_id, weight) VALUES (?, ?, 0.125)")
              .params(id, ids.get(LEVEL_SIZES[0] + (i + 1) % LEVEL_SIZES[1])).update();
        }
      }
    }
    jdbc.sql("UPDATE feature f SET promoted_tokens = p.tokens FROM (SELECT feature_id, array_agg(token_text ORDER BY"
        + " rank) AS tokens FROM feature_vocab WHERE sign = 1 AND rank < 5 GROUP BY feature_id) p"
        + " WHERE p.feature_id = f.id AND f.factorization_id = ?").param(factorization).update();
    return factorization;
  }

  private void describe(long feature, String description, Double accuracy) {
    jdbc.sql("INSERT INTO feature_description (feature_id, description, detection_accuracy, detection_trials,"
        + " detection_failures, trials) VALUES (?, ?, ?, 0, 0, '[]')").params(feature, description, accuracy).update();
  }
}
