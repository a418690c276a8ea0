package io.snmfservice.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Checks that a request is refused with a problem document and leaves the named tables as they were. */
public final class RejectedRequests {

  private final JdbcClient jdbc;
  private final List<String> tables;

  public RejectedRequests(JdbcClient jdbc, String... tables) {
    this.jdbc = jdbc;
    this.tables = List.of(tables);
  }

  /** Sends the request and checks status, problem body, and that no table changed. */
  public void rejects(int status, String detailFragment, Supplier<Http.Response> request) {
    List<Long> before = counts();
    Http.Response r = request.get();
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().get("detail").asString()).containsIgnoringCase(detailFragment);
    assertThat(counts()).as("database changed by a rejected request").isEqualTo(before);
  }

  /** Rows in each table, in the order they were named. */
  public List<Long> counts() {
    return tables.stream().map(t -> jdbc.sql("SELECT count(*) FROM " + t).query(Long.class).single()).toList();
  }
}
