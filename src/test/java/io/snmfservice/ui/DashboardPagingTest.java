package io.snmfservice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.DashboardSession;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.TestKeys;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** A page number beyond any list, in any dashboard route that pages, is a 422 page, never a 500. */
@ServiceTest
class DashboardPagingTest {

  @Value("${local.server.port}")
  int port;

  @Test
  void pagesBeyondAnyListAre422() {
    DashboardSession session = new DashboardSession(port);
    assertThat(session.signIn(TestKeys.ADMIN)).doesNotContain("error");
    for (String route : List.of("/ui/factorizations", "/ui/datasets", "/ui/models", "/ui/jobs",
        "/ui/vector-sets", "/ui/keys", "/ui/audit")) {
      HttpResponse<String> page = session.get(route + "?page=2000000000");
      assertThat(page.statusCode()).as(route).isEqualTo(422);
      assertThat(page.body()).as(route).contains("lies beyond any list");
      assertThat(session.get(route + "?page=-3").statusCode()).as(route + ", a negative page is the first").isEqualTo(200);
    }
  }
}
