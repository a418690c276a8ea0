package io.snmfservice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.DashboardSession;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.StoredFactorizations;
import io.snmfservice.support.TestKeys;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The feature card shows examples by activation quantile with each bin's quantile range, activation bounds and
 * share (marked when estimated from a sample), and the equal-width intervals of older factorizations as such.
 */
@ServiceTest
class FeatureCardExamplesTest {

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;

  @Test
  void quantileBinsShowTheirBoundsAndShares() {
    long factorization = StoredFactorizations.insert(jdbc, 3, 2);
    List<Long> features = jdbc.sql("INSERT INTO feature (factorization_id, level, index, direction, frequency,"
        + " mean_activation, max_activation, histogram) SELECT ?, 0, i, '{1,0,0}', 0.5, 0.1, 2.5,"
        + " '{\"binEdges\": [0, 2.5], \"counts\": [3]}' FROM generate_series(0, 1) i RETURNING id")
        .param(factorization).query(Long.class).list().stream().sorted().toList();
    long quantiles = features.get(0);
    long intervals = features.get(1);
    example(quantiles, 9, 1.75f, 2.5f, 0.1f, true, "alpha", 2.0f);
    example(quantiles, 0, 0.03f, 0.125f, 0.125f, false, "beta", 0.0625f);
    example(intervals, 3, 1.88f, 2.5f, null, null, "gamma", 2.0f);

    DashboardSession session = new DashboardSession(port);
    session.signIn(TestKeys.ADMIN);
    HttpResponse<String> card = session.get("/ui/features/" + quantiles);
    assertThat(card.statusCode()).isEqualTo(200);
    assertThat(card.body()).contains("Examples by activation quantile", "Bins of equal count (10 quantiles)",
        "90–100 %: activation 1.75 – 2.50 · 10.0 % of active tokens<",
        "0–10 %: activation 0.0300 – 0.125 · 12.5 % of active tokens (estimated from a sample)<", "alpha", "beta");
    assertThat(card.body().indexOf("90–100 %")).as("strongest bin first").isLessThan(card.body().indexOf("0–10 %"));

    String old = session.get("/ui/features/" + intervals).body();
    assertThat(old).contains("Interval 4: activation 1.88 – 2.50", "Equal-width intervals", "gamma")
        .doesNotContain("of active tokens");
  }

  private void example(long feature, int bin, float low, float high, Float fraction, Boolean exact, String token,
      float activation) {
    jdbc.sql("INSERT INTO feature_example (feature_id, bin, bin_low, bin_high, bin_fraction, bin_exact, rank,"
        + " document, position, token_id, token_text, activation, context_start, context_token_ids, context_tokens,"
        + " context_activations, context_text) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 1, 7, ?, ?, 0, '{5,7}', ?, ?, ?)")
        .params(feature, bin, low, high, fraction, exact, token, activation, new String[] {"x", token},
            new Float[] {0f, activation}, "x" + token).update();
  }
}
