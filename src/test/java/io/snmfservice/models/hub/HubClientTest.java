package io.snmfservice.models.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {

  private static final String REPO = "acme/tiny-llama";
  private static final String COMMIT = "5c1f8a2e9d0b7c6a4f3e2d1c0b9a8f7e6d5c4b3a";

  @TempDir
  Path cacheDir;

  private FakeHub hub;
  private FakeHub.HubFile config;
  private FakeHub.HubFile weights;
  private FakeHub.HubFile tokenizer;

  @BeforeEach
  void startHub() throws IOException {
    hub = new FakeHub();
    hub.addRepo(REPO, COMMIT, "main", "v1.0");
    config = hub.addFile(REPO, "config.json", utf8("{\"model_type\":\"llama\",\"hidden_size\":64}"), false);
    weights = hub.addFile(REPO, "model.safetensors", randomBytes(300_001, 1), true);
    tokenizer = hub.addFile(REPO, "tokenizer.json", utf8("{\"version\":\"1.0\"}"), false);
    hub.addFile(REPO, "README.md", utf8("# tiny"), false);
    hub.addFile(REPO, "pytorch_model.bin", randomBytes(5_000, 2), true);
    hub.addFile(REPO, "original/consolidated.safetensors", randomBytes(5_000, 3), true);
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  @Test
  void downloadsOnlyModelFilesIntoTheHubCacheLayout() throws IOException {
    List<long[]> updates = new ArrayList<>();
    Path snapshot = client().snapshot(REPO, "main", (file, done, total) -> updates.add(new long[] {done, total}));

    Path repoDir = cacheDir.resolve("models--acme--tiny-llama");
    assertThat(snapshot).isEqualTo(repoDir.resolve("snapshots").resolve(COMMIT));
    assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(COMMIT);
    for (FakeHub.HubFile file : List.of(config, weights, tokenizer)) {
      Path pointer = snapshot.resolve(file.name());
      assertThat(Files.isSymbolicLink(pointer)).as(file.name()).isTrue();
      assertThat(Files.readSymbolicLink(pointer)).isEqualTo(Path.of("..", "..", "blobs", file.etag()));
      assertThat(Files.readAllBytes(repoDir.resolve("blobs").resolve(file.etag()))).isEqualTo(file.content());
    }
    assertThat(weights.etag()).hasSize(64);
    try (var listing = Files.list(snapshot)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("config.json", "model.safetensors", "tokenizer.json");
    }
    try (var listing = Files.list(repoDir.resolve("blobs"))) {
      assertThat(listing).hasSize(3);
    }
    long total = config.content().length + weights.content().length + tokenizer.content().length;
    assertThat(updates).isNotEmpty();
    assertThat(updates).allSatisfy(u -> assertThat(u[1]).isEqualTo(total));
    assertThat(updates.get(updates.size() - 1)[0]).isEqualTo(total);
    for (int i = 1; i < updates.size(); i++) {
      assertThat(updates.get(i)[0]).isGreaterThanOrEqualTo(updates.get(i - 1)[0]);
    }
  }

  @Test
  void answersTheSecondCallFromTheCacheWithoutRequests() {
    Path first = client().snapshot(REPO, "main", DownloadProgress.NONE);
    hub.clearRequests();

    Path second = client().snapshot(REPO, "main", DownloadProgress.NONE);
    Path byCommit = client().snapshot(REPO, COMMIT, DownloadProgress.NONE);

    assertThat(second).isEqualTo(first);
    assertThat(byCommit).isEqualTo(first);
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void concurrentRequestsForTheSameModelShareOneCopy() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        results.add(pool.submit(() -> client().snapshot(REPO, "main", DownloadProgress.NONE)));
      }
      for (Future<Path> result : results) {
        Path snapshot = result.get(30, TimeUnit.SECONDS);
        assertThat(Files.isSymbolicLink(snapshot.resolve("model.safetensors"))).isTrue();
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights.content());
      }
    } finally {
      pool.shutdownNow();
    }
    try (var listing = Files.list(cacheDir.resolve("models--acme--tiny-llama/blobs"))) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(config.etag(), weights.etag(), tokenizer.etag());
    }
  }

  @Test
  void resumesABrokenTransferWithARangeRequest() throws IOException {
    hub.cutNextTransferAfter(weights, 120_000);

    assertThatThrownBy(() -> client().snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubNetworkException.class)
        .hasMessageContaining("model.safetensors").hasMessageContaining("resume");
    Path incomplete = cacheDir.resolve("models--acme--tiny-llama/blobs/" + weights.etag() + ".incomplete");
    long partial = Files.size(incomplete);
    // what arrived before the hang-up (a connection reset may drop bytes still in flight)
    assertThat(partial).isPositive().isLessThanOrEqualTo(120_000);
    hub.clearRequests();

    Path snapshot = client().snapshot(REPO, "main", DownloadProgress.NONE);

    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights.content());
    assertThat(incomplete).doesNotExist();
    assertThat(hub.requests()).filteredOn(r -> r.method().equals("GET") && r.path().startsWith("/lfs-storage/"))
        .singleElement().satisfies(r -> assertThat(r.header("Range")).contains("bytes=" + partial + "-"));
  }

  @Test
  void deletesAndRejectsContentWhoseSha256DiffersFromTheEtag() {
    byte[] tampered = weights.content().clone();
    tampered[1234] ^= 0x40;
    hub.serveInstead(weights, tampered);

    assertThatThrownBy(() -> client().snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubIntegrityException.class)
        .hasMessageContaining("sha256").hasMessageContaining(weights.etag());
    Path blobs = cacheDir.resolve("models--acme--tiny-llama/blobs");
    assertThat(blobs.resolve(weights.etag())).doesNotExist();
    assertThat(blobs.resolve(weights.etag() + ".incomplete")).doesNotExist();
    assertThat(cacheDir.resolve("models--acme--tiny-llama/refs/main")).doesNotExist();
  }

  @Test
  void deletesAndRejectsContentOfAnotherSizeThanAnnounced() {
    hub.serveInstead(weights, randomBytes(1000, 9));

    assertThatThrownBy(() -> client().snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubIntegrityException.class)
        .hasMessageContaining("1000 bytes").hasMessageContaining("300001");
    assertThat(cacheDir.resolve("models--acme--tiny-llama/blobs/" + weights.etag() + ".incomplete"))
        .doesNotExist();
  }

  @Test
  void sendsTheTokenAsBearerToTheHubButNotToTheStorageHost() throws IOException {
    try (FakeHub storage = new FakeHub()) {
      storage.addRepo(REPO, COMMIT, "main");
      storage.addFile(REPO, "model.safetensors", weights.content(), true);
      hub.redirectStorageTo(storage.endpoint());
      hub.requireToken("hf_secret");

      Path snapshot = client(settings().withToken("hf_secret")).snapshot(REPO, "main", DownloadProgress.NONE);

      assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights.content());
      assertThat(hub.requests()).isNotEmpty()
          .allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer hf_secret"));
      assertThat(storage.requests()).isNotEmpty()
          .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }
  }

  @Test
  void explainsAMissingTokenForAPrivateRepository() {
    hub.requireToken("hf_secret");

    assertThatThrownBy(() -> client().snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubUnauthorizedException.class)
        .hasMessageContaining("401").hasMessageContaining("HF_TOKEN");
  }

  @Test
  void offlineModeServesTheCacheAndNeverTheNetwork() {
    Path online = client().snapshot(REPO, "main", DownloadProgress.NONE);
    hub.close();

    Path offline = client(settings().withOffline(true)).snapshot(REPO, "main", DownloadProgress.NONE);

    assertThat(offline).isEqualTo(online);
  }

  @Test
  void offlineModeWithoutTheModelInTheCacheFailsClearly() {
    assertThatThrownBy(() -> client(settings().withOffline(true)).snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubOfflineException.class)
        .hasMessageContaining(REPO).hasMessageContaining("HF_HUB_OFFLINE");
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void unknownRepositoryOrRevisionIsAClearNotFound() {
    assertThatThrownBy(() -> client().snapshot("acme/no-such-model", "main", DownloadProgress.NONE))
        .isInstanceOf(HubNotFoundException.class)
        .hasMessageContaining("acme/no-such-model").hasMessageContaining("404").hasMessageContaining("RepoNotFound");
    assertThatThrownBy(() -> client().snapshot(REPO, "no-such-branch", DownloadProgress.NONE))
        .isInstanceOf(HubNotFoundException.class)
        .hasMessageContaining("no-such-branch").hasMessageContaining("RevisionNotFound");
  }

  @Test
  void unreachableHubIsANetworkError() throws IOException {
    URI closed;
    try (FakeHub gone = new FakeHub()) {
      closed = gone.endpoint();
    }
    HubSettings unreachable = settings().withEndpoint(closed);

    assertThatThrownBy(() -> client(unreachable).snapshot(REPO, "main", DownloadProgress.NONE))
        .isInstanceOf(HubNetworkException.class)
        .hasMessageContaining("cannot reach the hub");
  }

  @Test
  void tagRevisionGetsItsOwnRefAndSharesTheBlobs() throws IOException {
    client().snapshot(REPO, "main", DownloadProgress.NONE);
    hub.clearRequests();

    Path tagged = client().snapshot(REPO, "v1.0", DownloadProgress.NONE);

    Path repoDir = cacheDir.resolve("models--acme--tiny-llama");
    assertThat(Files.readString(repoDir.resolve("refs/v1.0"))).isEqualTo(COMMIT);
    assertThat(tagged).isEqualTo(repoDir.resolve("snapshots").resolve(COMMIT));
    assertThat(hub.requests()).noneMatch(r -> r.method().equals("GET") && r.path().contains("resolve"));
  }

  @Test
  void revisionWithSlashesIsEncodedAndKeptAsNestedRef() throws IOException {
    hub.addRepo(REPO, COMMIT, "refs/pr/1");

    Path snapshot = client().snapshot(REPO, "refs/pr/1", DownloadProgress.NONE);

    assertThat(snapshot.getFileName().toString()).isEqualTo(COMMIT);
    assertThat(Files.readString(cacheDir.resolve("models--acme--tiny-llama/refs/refs/pr/1"))).isEqualTo(COMMIT);
    assertThat(hub.requests()).anyMatch(r -> r.path().endsWith("/revision/refs%2Fpr%2F1"));
  }

  @Test
  void customAllowPatternsFetchOnlyThoseFiles() throws IOException {
    Path snapshot = client().snapshot(REPO, "main", List.of("tokenizer*.json"), DownloadProgress.NONE);

    try (var listing = Files.list(snapshot)) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("tokenizer.json");
    }
  }

  @Test
  void shardedCheckpointFetchesOnlyTheShardsItsIndexNames() throws IOException {
    String repo = "acme/sharded";
    String commit = "a".repeat(40);
    hub.addRepo(repo, commit, "main");
    hub.addFile(repo, "config.json", utf8("{}"), false);
    hub.addFile(repo, "model.safetensors.index.json", utf8("{\"metadata\":{},\"weight_map\":{"
        + "\"a.weight\":\"model-00001-of-00002.safetensors\",\"b.weight\":\"model-00002-of-00002.safetensors\","
        + "\"c.weight\":\"model-00002-of-00002.safetensors\"}}"), false);
    FakeHub.HubFile shard1 = hub.addFile(repo, "model-00001-of-00002.safetensors", randomBytes(7000, 4), true);
    FakeHub.HubFile shard2 = hub.addFile(repo, "model-00002-of-00002.safetensors", randomBytes(9000, 5), true);
    hub.addFile(repo, "consolidated.safetensors", randomBytes(16000, 6), true);

    Path snapshot = client().snapshot(repo, "main", DownloadProgress.NONE);

    assertThat(Files.readAllBytes(snapshot.resolve(shard1.name()))).isEqualTo(shard1.content());
    assertThat(Files.readAllBytes(snapshot.resolve(shard2.name()))).isEqualTo(shard2.content());
    assertThat(snapshot.resolve("consolidated.safetensors")).doesNotExist();
    assertThat(hub.requests()).noneMatch(r -> r.path().contains("consolidated"));
  }

  @Test
  void findsAnExistingCacheUnderHfHomeWithoutTheNetwork(@TempDir Path hfHome) throws IOException {
    Path repoDir = hfHome.resolve("hub/models--acme--cached");
    String commit = "b".repeat(40);
    Files.createDirectories(repoDir.resolve("refs"));
    Files.writeString(repoDir.resolve("refs/main"), commit + "\n");
    Files.createDirectories(repoDir.resolve("blobs"));
    Files.writeString(repoDir.resolve("blobs/c1"), "{}");
    Files.writeString(repoDir.resolve("blobs/" + "d".repeat(64)), "weights");
    Path snapshot = repoDir.resolve("snapshots").resolve(commit);
    Files.createDirectories(snapshot);
    Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("../../blobs/c1"));
    Files.createSymbolicLink(snapshot.resolve("model.safetensors"), Path.of("../../blobs/" + "d".repeat(64)));
    URI closed;
    try (FakeHub gone = new FakeHub()) {
      closed = gone.endpoint();
    }
    HubSettings fromEnv = HubSettings.fromEnvironment(
        Map.of("HF_HOME", hfHome.toString(), "HF_ENDPOINT", closed.toString()));

    assertThat(new HubClient(fromEnv).snapshot("acme/cached", "main", DownloadProgress.NONE)).isEqualTo(snapshot);
    assertThat(new HubClient(fromEnv).snapshot("acme/cached", commit, DownloadProgress.NONE)).isEqualTo(snapshot);
  }

  @Test
  void usesALocalModelDirectoryAsIs(@TempDir Path modelDir) throws IOException {
    Files.writeString(modelDir.resolve("config.json"), "{}");

    assertThat(client().resolve(modelDir.toString(), null, DownloadProgress.NONE)).isEqualTo(modelDir);
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void refusesSomethingThatIsNeitherDirectoryNorRepositoryId() {
    assertThatThrownBy(() -> client().resolve("../etc/passwd", "main", DownloadProgress.NONE))
        .isInstanceOf(HubException.class).hasMessageContaining("neither a local model directory");
  }

  private HubSettings settings() {
    return new HubSettings(hub.endpoint(), cacheDir, Optional.empty(), false);
  }

  private HubClient client() {
    return client(settings());
  }

  private static HubClient client(HubSettings settings) {
    return new HubClient(settings);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
