package io.snmfservice.models.hub;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Finds a model's files: in a local directory, in the Hugging Face cache, or by downloading them from the hub
 * into that cache (the layout of {@link HubCache}). Only the files a model needs are fetched
 * ({@link #DEFAULT_ALLOW_PATTERNS}); a sharded checkpoint's index decides which {@code *.safetensors} count.
 *
 * <p>A snapshot that is already complete in the cache is returned without any request, also for branch names:
 * a branch moved on the hub is picked up only after its {@code refs/} file is removed.
 */
public final class HubClient {

  /** Top-level files a model needs: configuration, safetensors weights, tokenizer. */
  public static final List<String> DEFAULT_ALLOW_PATTERNS = List.of(
      "config.json", "*.safetensors", HubCache.INDEX_FILE, "tokenizer.json", "tokenizer_config.json",
      "generation_config.json");

  private static final Pattern REPO_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

  private final HubSettings settings;
  private final HubCache cache;
  private final HubHttp http;
  private final HttpClient httpClient;
  private final DownloadLimits limits;

  public HubClient(HubSettings settings) {
    this(settings, HubHttp.defaultClient());
  }

  /** @param httpClient must not follow redirects itself (the token may only go to the hub) */
  public HubClient(HubSettings settings, HttpClient httpClient) {
    this(settings, httpClient, DownloadLimits.NONE);
  }

  public HubClient(HubSettings settings, HttpClient httpClient, DownloadLimits limits) {
    this.settings = settings;
    this.httpClient = httpClient;
    this.limits = limits;
    this.cache = new HubCache(settings.cacheDir());
    this.http = new HubHttp(settings, httpClient);
  }

  public HubSettings settings() {
    return settings;
  }

  /** The same client with other download bounds. */
  public HubClient withLimits(DownloadLimits newLimits) {
    return new HubClient(settings, httpClient, newLimits);
  }

  /** The same client without the token: for repositories the operator did not vouch for. */
  public HubClient anonymous() {
    return settings.token().isEmpty() ? this : new HubClient(settings.withToken(null), httpClient, limits);
  }

  /** The cached snapshot of a repository at a revision if complete; never sends a request. */
  public Optional<Path> cachedSnapshot(String repoId, String revision) {
    return cache.completeSnapshot(checkRepoId(repoId), revision == null || revision.isBlank() ? "main"
        : revision.trim());
  }

  /**
   * A model directory for a reference that is either a local directory in Hugging Face layout or a hub
   * repository id ({@code org/name}); see {@link #snapshot(String, String, DownloadProgress)}.
   *
   * @param revision branch, tag or commit hash; {@code null} or blank means {@code main} (ignored for directories)
   */
  public Path resolve(String modelRef, String revision, DownloadProgress progress) {
    Path local = Path.of(modelRef);
    if (Files.isDirectory(local)) {
      if (!Files.isRegularFile(local.resolve("config.json"))) {
        throw new HubException("the directory " + local.toAbsolutePath() + " has no config.json: not a model in"
            + " Hugging Face layout");
      }
      return local.toAbsolutePath().normalize();
    }
    return snapshot(modelRef, revision, progress);
  }

  /** The snapshot directory of a hub repository with the {@link #DEFAULT_ALLOW_PATTERNS default files}. */
  public Path snapshot(String repoId, String revision, DownloadProgress progress) {
    return snapshot(repoId, revision, DEFAULT_ALLOW_PATTERNS, progress);
  }

  /**
   * The snapshot directory {@code {cache}/models--{org}--{name}/snapshots/{commit}} of a repository at a
   * revision: from the cache when it holds the model, else downloaded (offline mode: an error instead).
   *
   * @param allowPatterns globs for top-level repository files, e.g. {@code *.safetensors}
   * @throws HubNotFoundException no such repository, revision or file
   * @throws HubUnauthorizedException private or gated repository without a valid token
   * @throws HubNetworkException hub unreachable or a transfer broke off (run again to resume)
   * @throws HubIntegrityException a file did not match its announced size or sha256
   * @throws HubOfflineException offline and not in the cache
   */
  public Path snapshot(String repoId, String revision, List<String> allowPatterns, DownloadProgress progress) {
    String repo = checkRepoId(repoId);
    String rev = revision == null || revision.isBlank() ? "main" : revision.trim();
    var cached = cache.completeSnapshot(repo, rev);
    if (cached.isPresent()) {
      return cached.get();
    }
    if (settings.offline()) {
      throw new HubOfflineException("offline mode (HF_HUB_OFFLINE) is on and the cache " + cache.root()
          + " holds no complete snapshot of " + repo + " at revision '" + rev + "'; download it once while online"
          + " or point to a local model directory");
    }
    return download(repo, rev, allowPatterns, progress == null ? DownloadProgress.NONE : progress);
  }

  private Path download(String repo, String rev, List<String> allowPatterns, DownloadProgress progress) {
    String what = repo + " at revision '" + rev + "'";
    JsonNode info = http.getJson(uri("api/models/" + repo + "/revision/" + encodeSegment(rev)),
        "model " + what);
    String commit = info.path("sha").asString("");
    if (!HubCache.isCommitHash(commit)) {
      throw new HubException("the hub sent no commit hash for " + what);
    }
    List<String> files = wantedFiles(info.path("siblings"), allowPatterns);
    boolean configWanted = matches(allowPatterns, "config.json");
    if (configWanted && !files.contains("config.json")) {
      throw new HubNotFoundException(repo + " has no config.json at revision '" + rev
          + "': not a transformers model repository");
    }
    Map<String, FileMetadata> metadata = new LinkedHashMap<>();
    if (files.contains(HubCache.INDEX_FILE)) {
      // a sharded checkpoint: its index decides which *.safetensors belong to the model; it is read into memory
      // so that nothing is written before the whole snapshot has been sized
      URI indexUri = resolveUri(repo, commit, HubCache.INDEX_FILE);
      FileMetadata indexMeta = http.head(indexUri, HubCache.INDEX_FILE + " of " + what);
      limits.checkFile(HubCache.INDEX_FILE + " of " + what, indexMeta.size());
      metadata.put(HubCache.INDEX_FILE, indexMeta);
      Set<String> shards = HubCache.shardsOf(http.getJson(indexUri, HubCache.INDEX_FILE + " of " + what));
      for (String shard : shards) {
        if (!files.contains(shard)) {
          throw new HubNotFoundException(what + ": the index names the shard " + shard
              + " which the repository does not hold (or the allow patterns exclude)");
        }
      }
      files.removeIf(f -> f.endsWith(".safetensors") && !shards.contains(f));
    }
    for (String file : files) {
      if (!metadata.containsKey(file)) {
        metadata.put(file, http.head(resolveUri(repo, commit, file), file + " of " + what));
      }
    }
    limits.check(what, metadata, cache, repo);
    Path snapshotDir = cache.snapshotDir(repo, commit);
    long total = metadata.values().stream().mapToLong(FileMetadata::size).sum();
    long[] done = {0};
    for (Map.Entry<String, FileMetadata> entry : metadata.entrySet()) {
      String file = entry.getKey();
      fetch(repo, commit, file, entry.getValue(), what, n -> {
        done[0] += n;
        progress.update(file, done[0], total);
      });
    }
    cache.writeRef(repo, rev, commit);
    return snapshotDir;
  }

  /** Puts one file into the snapshot: reuses the blob when another revision already fetched it. */
  private void fetch(String repo, String commit, String file, FileMetadata meta, String what,
      LongConsumer bytesWritten) {
    Path pointer = HubCache.inside(cache.snapshotDir(repo, commit), file);
    Path blob = cache.blob(repo, meta.etag());
    if (Files.isRegularFile(blob) && Files.isRegularFile(pointer)) {
      bytesWritten.accept(meta.size());
      return;
    }
    new BlobDownload(http).fetch(resolveUri(repo, commit, file), meta, blob,
        cache.incompleteBlob(repo, meta.etag()), cache.lockFile(repo, meta.etag()), file + " of " + what,
        bytesWritten);
    HubCache.link(pointer, blob);
  }

  private static List<String> wantedFiles(JsonNode siblings, List<String> allowPatterns) {
    List<String> wanted = new ArrayList<>();
    for (JsonNode sibling : siblings) {
      String name = sibling.path("rfilename").asString("");
      if (!name.isEmpty() && !name.contains("/") && !name.contains("\\") && matches(allowPatterns, name)) {
        wanted.add(name);
      }
    }
    return wanted;
  }

  /** Glob match of a top-level file name ({@code *} does not cross {@code /}). */
  private static boolean matches(List<String> allowPatterns, String name) {
    for (String pattern : allowPatterns) {
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      if (matcher.matches(Path.of(name))) {
        return true;
      }
    }
    return false;
  }

  private URI resolveUri(String repo, String commit, String file) {
    return uri(repo + "/resolve/" + commit + "/" + encodeSegment(file));
  }

  private URI uri(String path) {
    return URI.create(settings.endpoint() + "/" + path);
  }

  private static String encodeSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String checkRepoId(String repoId) {
    if (repoId == null || !REPO_ID.matcher(repoId.trim()).matches() || repoId.contains("..")
        || repoId.contains("--")) {
      throw new HubException("'" + repoId + "' is neither a local model directory nor a hub repository id"
          + " like 'org/name'");
    }
    return repoId.trim();
  }
}
