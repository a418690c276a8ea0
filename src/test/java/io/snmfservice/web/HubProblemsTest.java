package io.snmfservice.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.models.hub.HubDownloadTooLargeException;
import io.snmfservice.models.hub.HubException;
import io.snmfservice.models.hub.HubInsufficientStorageException;
import io.snmfservice.models.hub.HubIntegrityException;
import io.snmfservice.models.hub.HubNetworkException;
import io.snmfservice.models.hub.HubNotFoundException;
import io.snmfservice.models.hub.HubOfflineException;
import io.snmfservice.models.hub.HubUnauthorizedException;
import java.util.Map;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** A hub failure that reaches an answer is a problem naming the repository and the reason, never a 500. */
class HubProblemsTest {

  @Test
  void hubFailuresBecomeGatewayProblemsWithTheirReason() {
    Map<HubException, Integer> expected = Map.of(
        new HubException("the hub answered HTTP 500 for model acme/x"), 502,
        new HubUnauthorizedException("no access to model acme/x: HTTP 401 (GatedRepo)"), 502,
        new HubIntegrityException("model.safetensors of acme/x had 3 bytes, expected 4"), 502,
        new HubNetworkException("cannot reach the hub for model acme/x: timed out"), 504,
        new HubNotFoundException("model acme/x not found on the hub: HTTP 404"), 422,
        new HubDownloadTooLargeException("acme/x has 9 bytes (snmf.models.hub.max-download-bytes)"), 422,
        new HubInsufficientStorageException("acme/x needs 9 bytes (snmf.models.hub.min-free-bytes)"), 507,
        new HubOfflineException("offline mode is on and the cache holds no acme/x"), 409);

    expected.forEach((failure, status) -> {
      ResponseEntity<ProblemDetail> answer = new ProblemHandler(new RefusalLog(new SimpleMeterRegistry())).hub(failure);
      assertThat(answer.getStatusCode().value()).as(failure.getClass().getSimpleName()).isEqualTo(status);
      assertThat(answer.getBody().getDetail()).isEqualTo(failure.getMessage()).contains("acme/x");
    });
  }
}
