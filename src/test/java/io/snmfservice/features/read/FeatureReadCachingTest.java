package io.snmfservice.features.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Http;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.StoredFactorizations;
import io.snmfservice.support.TestKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The feature reads' response cache through the API: repeated reads are answered from it (the cache's hit count
 * rises and the answer is the database's), a change written by anyone else (here: SQL, as a worker or another
 * replica would) reaches the next reads through the V17 trigger, a delete through this replica is seen at once, and
 * entity tags give 304 to a client that has the current answer.
 */
@ServiceTest
class FeatureReadCachingTest {

  @Value("${local.server.port}")
  int port;

  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired FeatureResponseCache cache;

  ContractClient api;
  long factorization;
  List<Long> features;

  @BeforeEach
  void plant() {
    api = new ContractClient(port);
    awaitSubscribed();
    long generation = cache.generation();
    factorization = StoredFactorizations.insert(jdbc, 2, 3);
    jdbc.sql("INSERT INTO feature (factorization_id, level, index, direction, frequency, mean_activation,"
        + " max_activation, histogram) SELECT ?, 0, i, '{0,0}', i * 0.25, i, i + 1, '{}'"
        + " FROM generate_series(0, 2) i").param(factorization).update();
    jdbc.sql("SELECT store_feature_ranks(?)").param(factorization).query().listOfRows();
    features = jdbc.sql("SELECT id FROM feature WHERE factorization_id = ? ORDER BY index").param(factorization)
        .query(Long.class).list();
    awaitHeard(generation);
  }

  @Test
  void repeatedReadsAreAnsweredFromTheCacheWithTheDatabasesAnswer() {
    String list = "/v1/factorizations/" + factorization + "/features?sort=frequency&order=desc";
    Http.Response answer = assertSecondReadIsAHit(list);
    assertSecondReadIsAHit("/v1/features/" + features.get(1));
    assertSecondReadIsAHit("/v1/factorizations/" + factorization + "/features/search?token=none");

    assertThat(answer.json().get("items").findValuesAsString("index")).containsExactly("2", "1", "0");
    assertThat(answer.header("Cache-Control")).isEqualTo("private, no-cache");
  }

  /**
   * Reads a path twice: the second read must be a hit with the first one's answer and tag. Tried again when a change
   * elsewhere (another test's leftovers) emptied the cache in between.
   */
  private Http.Response assertSecondReadIsAHit(String path) {
    for (int attempt = 1; ; attempt++) {
      long generation = cache.generation();
      Http.Response first = api.get(path);
      double before = hits();
      Http.Response second = api.get(path);
      double after = hits();
      if (cache.generation() != generation && attempt < 5) {
        continue;
      }
      assertThat(second.status()).isEqualTo(200);
      assertThat(after - before).as("hits of the second read of " + path).isEqualTo(1);
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(second.header("ETag")).isEqualTo(first.header("ETag"));
      return second;
    }
  }

  @Test
  void aDescriptionWrittenElsewhereReachesTheNextReads() {
    String detail = "/v1/features/" + features.get(0);
    String list = "/v1/factorizations/" + factorization + "/features";
    String search = "/v1/factorizations/" + factorization + "/features/search?text=citrus";
    Http.Response before = api.get(detail);
    assertThat(before.json().get("description").isNull()).isTrue();
    api.get(list);
    assertThat(api.get(search).json().get("total").asLong()).isZero();

    jdbc.sql("INSERT INTO feature_description (feature_id, description, detection_trials, detection_failures,"
        + " trials) VALUES (?, 'citrus fruit', 0, 0, '[]')").param(features.get(0)).update();

    Http.Response after = awaitChanged(detail, before.body());
    assertThat(after.json().get("description").asString()).isEqualTo("citrus fruit");
    assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
    assertThat(api.get(list).json().get("items").get(0).get("description").asString()).isEqualTo("citrus fruit");
    assertThat(api.get(search).json().get("total").asLong()).isEqualTo(1);
  }

  @Test
  void aDeleteThroughThisReplicaIsSeenByTheNextRead() {
    String list = "/v1/factorizations/" + factorization + "/features";
    String topInputs = "/v1/features/" + features.get(2) + "/top-inputs";
    assertThat(api.get(list).status()).isEqualTo(200);
    assertThat(api.get(topInputs).status()).isEqualTo(200);
    assertThat(api.get(list).status()).isEqualTo(200);

    assertThat(api.delete("/v1/factorizations/" + factorization).status()).isEqualTo(204);

    assertThat(api.get(list).status()).isEqualTo(404);
    assertThat(api.get(topInputs).status()).isEqualTo(404);
  }

  @Test
  void aClientWithTheCurrentEntityTagGets304WithoutABody() {
    String path = "/v1/features/" + features.get(0) + "/vocab";
    Http.Response first = api.get(path);
    String etag = first.header("ETag");
    assertThat(etag).matches("\"[0-9a-f]{32}\"");

    Http.Response cached = conditional(path, etag);
    assertThat(cached.status()).isEqualTo(304);
    assertThat(cached.body()).isEmpty();
    assertThat(cached.header("ETag")).isEqualTo(etag);
    assertThat(conditional(path, "W/" + etag + ", \"other\"").status()).isEqualTo(304);
    assertThat(conditional(path, "\"other\"").status()).isEqualTo(200);

    cache.clear(); // the tag is the answer's, not the cache entry's: a fresh read gives the same one
    assertThat(conditional(path, etag).status()).isEqualTo(304);
  }

  @Test
  void errorAnswersAreNotCached() {
    String missing = "/v1/factorizations/" + factorization + "/features?level=7";
    assertThat(api.get(missing).status()).isEqualTo(422);
    assertThat(api.get(missing).status()).isEqualTo(422);
    assertThat(api.get(missing).header("ETag")).isNull();
  }

  @Test
  void aRequestThatCannotTakeJsonIsNotAnsweredFromTheCache() {
    String path = "/v1/features/" + features.get(0);
    assertThat(api.get(path).status()).isEqualTo(200);
    Http.Response xml = new Http(port, TestKeys.ADMIN).send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).header("Accept", "application/xml").GET());
    assertThat(xml.status()).isEqualTo(406);
  }

  private Http.Response conditional(String path, String ifNoneMatch) {
    return new Http(port, TestKeys.ADMIN).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("If-None-Match", ifNoneMatch).GET());
  }

  private Http.Response awaitChanged(String path, String before) {
    return await(path + " to change").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> api.get(path), r -> !r.body().equals(before));
  }

  private void awaitSubscribed() {
    await("the cache to listen for changes").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(cache::isSubscribed);
  }

  /** Until the notifications of the planting's commits have reached the cache (one or more, then quiet). */
  private void awaitHeard(long generationBefore) {
    await("the planting's notifications").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(cache::generation, g -> g != generationBefore);
    AtomicLong seen = new AtomicLong(cache.generation());
    await("no further notification for 250 ms").atMost(Duration.ofSeconds(10)).during(Duration.ofMillis(250))
        .pollInterval(Duration.ofMillis(20)).until(() -> {
          long now = cache.generation();
          return seen.getAndSet(now) == now;
        });
  }

  private double hits() {
    return meters.get("cache.gets").tag("cache", "feature-responses").tag("result", "hit").functionCounter().count();
  }
}
