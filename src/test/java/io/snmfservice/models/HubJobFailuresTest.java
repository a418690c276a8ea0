package io.snmfservice.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.models.hub.HubDownloadTooLargeException;
import io.snmfservice.models.hub.HubException;
import io.snmfservice.models.hub.HubInsufficientStorageException;
import io.snmfservice.models.hub.HubNetworkException;
import io.snmfservice.models.hub.HubNotFoundException;
import org.junit.jupiter.api.Test;

/** Which hub failures fail a job at once (and with which status) and which another attempt may fix. */
class HubJobFailuresTest {

  @Test
  void limitsAndMissingRepositoriesFailAtOnceWhileNetworkErrorsAreRetried() {
    RuntimeException reserve = ModelRuntime.forJob(new HubInsufficientStorageException("acme/x needs 9 bytes"));
    assertThat(reserve).isInstanceOf(JobFailedException.class).hasMessage("acme/x needs 9 bytes");
    assertThat(((JobFailedException) reserve).status()).isEqualTo(507);

    RuntimeException tooLarge = ModelRuntime.forJob(new HubDownloadTooLargeException("acme/x has 9 bytes"));
    assertThat(((JobFailedException) tooLarge).status()).isEqualTo(422);
    assertThat(ModelRuntime.forJob(new HubNotFoundException("acme/x not found"))).isInstanceOf(JobFailedException.class);

    HubException network = new HubNetworkException("cannot reach the hub");
    assertThat(ModelRuntime.forJob(network)).isSameAs(network);
    HubException serverError = new HubException("the hub answered HTTP 503");
    assertThat(ModelRuntime.forJob(serverError)).isSameAs(serverError);
  }
}
