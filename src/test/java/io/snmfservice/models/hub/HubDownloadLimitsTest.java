package io.snmfservice.models.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size limit and the disk reserve are checked against the hub's announced sizes before any file content is
 * requested, so a refused model leaves nothing in the cache; the token goes only where the client may send it.
 */
class HubDownloadLimitsTest {

  private static final String REPO = "acme/big";
  private static final String COMMIT = "c".repeat(40);

  @TempDir
  Path cacheDir;

  private FakeHub hub;

  @BeforeEach
  void startHub() throws IOException {
    hub = new FakeHub();
    hub.addRepo(REPO, COMMIT, "main");
    hub.addFile(REPO, "config.json", utf8("{}"), false);
    hub.addFile(REPO, "model.safetensors", randomBytes(300_000), true);
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  @Test
  void aSnapshotOverTheSizeLimitIsRefusedBeforeAnyByteIsFetched() throws IOException {
    HubClient client = client().withLimits(new DownloadLimits(100_000, 0));

    assertThatThrownBy(() -> client.snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubDownloadTooLargeException.class)
        .hasMessageContaining("acme/big").hasMessageContaining("300,002 bytes")
        .hasMessageContaining("model.safetensors 300,000 bytes").hasMessageContaining("100,000 bytes")
        .hasMessageContaining("snmf.models.hub.max-download-bytes");
    assertNoContentFetchedAndNothingWritten();
  }

  @Test
  void aShardedSnapshotIsSizedFromItsIndexWithoutWritingIt() throws IOException {
    String repo = "acme/sharded";
    hub.addRepo(repo, "d".repeat(40), "main");
    hub.addFile(repo, "config.json", utf8("{}"), false);
    hub.addFile(repo, "model.safetensors.index.json", utf8("{\"weight_map\":{\"a\":\"model-1.safetensors\","
        + "\"b\":\"model-2.safetensors\"}}"), false);
    hub.addFile(repo, "model-1.safetensors", randomBytes(60_000), true);
    hub.addFile(repo, "model-2.safetensors", randomBytes(60_000), true);
    HubClient client = client().withLimits(new DownloadLimits(100_000, 0));

    assertThatThrownBy(() -> client.snapshot(repo, "main", DownloadProgress.NONE))
        .isInstanceOf(HubDownloadTooLargeException.class).hasMessageContaining("model-2.safetensors 60,000 bytes");
    assertThat(hub.requests()).noneMatch(r -> r.method().equals("GET") && r.path().startsWith("/lfs-storage/"));
    assertThat(regularFiles()).isEmpty();
  }

  @Test
  void aDownloadThatWouldEatIntoTheDiskReserveIsRefused() throws IOException {
    HubClient client = client().withLimits(new DownloadLimits(Long.MAX_VALUE, Long.MAX_VALUE / 2));

    assertThatThrownBy(() -> client.snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubInsufficientStorageException.class)
        .hasMessageContaining("acme/big").hasMessageContaining("300,002 bytes")
        .hasMessageContaining("snmf.models.hub.min-free-bytes");
    assertNoContentFetchedAndNothingWritten();
  }

  @Test
  void aSnapshotWithinTheLimitsIsDownloaded() throws IOException {
    Path snapshot = client().withLimits(new DownloadLimits(300_002, 1)).snapshot(REPO, "main", DownloadProgress.NONE);

    assertThat(Files.size(snapshot.resolve("model.safetensors"))).isEqualTo(300_000);
  }

  @Test
  void theAnonymousClientSendsNoToken() {
    HubClient withToken = new HubClient(settings().withToken("hf_secret"));

    withToken.anonymous().snapshot(REPO, "main", DownloadProgress.NONE);
    assertThat(hub.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    hub.clearRequests();
    withToken.withLimits(DownloadLimits.NONE).snapshot("acme/big", COMMIT, DownloadProgress.NONE);
    assertThat(hub.requests()).as("a cached snapshot needs no request").isEmpty();
  }

  @Test
  void theTokenIsSentToTheHubWhenTheClientHasOne() {
    new HubClient(settings().withToken("hf_secret")).snapshot(REPO, "main", DownloadProgress.NONE);

    assertThat(hub.requests()).filteredOn(r -> !r.path().startsWith("/lfs-storage/")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer hf_secret"));
  }

  private void assertNoContentFetchedAndNothingWritten() throws IOException {
    assertThat(hub.requests()).as("requests").isNotEmpty()
        .noneMatch(r -> r.method().equals("GET") && (r.path().contains("/resolve/") || r.path().startsWith("/lfs-")));
    assertThat(regularFiles()).as("files in the cache").isEmpty();
  }

  private Stream<Path> regularFiles() throws IOException {
    try (Stream<Path> all = Files.walk(cacheDir)) {
      return all.filter(Files::isRegularFile).toList().stream();
    }
  }

  private HubSettings settings() {
    return new HubSettings(hub.endpoint(), cacheDir, Optional.empty(), false);
  }

  private HubClient client() {
    return new HubClient(settings());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
