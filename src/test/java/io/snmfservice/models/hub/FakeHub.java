package io.snmfservice.models.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A stand-in for the hub on 127.0.0.1 speaking its URL layout: {@code /api/models/{repo}/revision/{rev}},
 * {@code /{repo}/resolve/{rev}/{file}} (regular files answered directly with a git-sha1 ETag, LFS files
 * redirected to {@code /lfs-storage/{sha256}} with {@code X-Linked-Etag} / {@code X-Linked-Size}), with Range
 * support and switches for broken transfers, corrupted content, required tokens and holding every answer.
 */
final class FakeHub implements AutoCloseable {

  record Request(String method, String path, Map<String, String> headers) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase()));
    }
  }

  record HubFile(String name, byte[] content, boolean lfs, String etag) { }

  private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/([^/]+)");
  private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
  private static final Pattern STORAGE = Pattern.compile("/lfs-storage/([0-9a-f]{64})");

  private final HttpServer server;
  private final Map<String, String> commits = new ConcurrentHashMap<>();
  private final Map<String, Map<String, HubFile>> repos = new ConcurrentHashMap<>();
  private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
  private final Map<String, byte[]> servedInstead = new ConcurrentHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile CountDownLatch held = new CountDownLatch(0);
  private volatile String requiredToken;
  private volatile String storageBase = "";

  FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A repository whose revisions ({@code main}, tags) all point at {@code commit}. */
  void addRepo(String repoId, String commit, String... revisions) {
    commits.put(repoId + "@" + commit, commit);
    for (String revision : revisions) {
      commits.put(repoId + "@" + revision, commit);
    }
    repos.putIfAbsent(repoId, Collections.synchronizedMap(new LinkedHashMap<>()));
  }

  HubFile addFile(String repoId, String name, byte[] content, boolean lfs) {
    String etag = lfs ? hex("SHA-256", content) : gitBlobSha1(content);
    HubFile file = new HubFile(name, content, lfs, etag);
    repos.get(repoId).put(name, file);
    return file;
  }

  /** The next GET of that blob sends its headers and only the first {@code bytes} bytes, then hangs up. */
  void cutNextTransferAfter(HubFile file, int bytes) {
    cutAfter.put(file.etag(), bytes);
  }

  /** Transfers of that blob send other bytes than the ones its metadata announces. */
  void serveInstead(HubFile file, byte[] content) {
    servedInstead.put(file.etag(), content);
  }

  /** LFS redirects go to this other server (which must hold the same files) instead of this one. */
  void redirectStorageTo(URI otherServer) {
    storageBase = otherServer.toString();
  }

  void requireToken(String token) {
    requiredToken = token;
  }

  /** Requests wait (after being recorded) until {@link #release()}: shows who waits on the hub. */
  void hold() {
    held = new CountDownLatch(1);
  }

  void release() {
    held.countDown();
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
          .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> String.join(",", e.getValue())));
      requests.add(new Request(exchange.getRequestMethod(), path, headers));
      awaitRelease();
      Matcher storage = STORAGE.matcher(path);
      if (storage.matches()) {
        serveStorage(exchange, storage.group(1));
        return;
      }
      if (requiredToken != null
          && !("Bearer " + requiredToken).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        reply(exchange, 401, "Unauthorized", "GatedRepo");
        return;
      }
      Matcher api = API.matcher(path);
      Matcher resolve = RESOLVE.matcher(path);
      if (api.matches()) {
        serveRepoInfo(exchange, api.group(1), decode(api.group(2)));
      } else if (resolve.matches()) {
        serveResolve(exchange, resolve.group(1), decode(resolve.group(2)), decode(resolve.group(3)));
      } else {
        reply(exchange, 404, "no route", "EntryNotFound");
      }
    } catch (IOException expectedWhenCut) {
      // the handler hung up on purpose
    }
  }

  private void serveRepoInfo(HttpExchange exchange, String repo, String revision) throws IOException {
    if (!repos.containsKey(repo)) {
      reply(exchange, 404, "Repository Not Found", "RepoNotFound");
      return;
    }
    String commit = commits.get(repo + "@" + revision);
    if (commit == null) {
      reply(exchange, 404, "Revision Not Found", "RevisionNotFound");
      return;
    }
    String siblings = repos.get(repo).keySet().stream()
        .map(name -> "{\"rfilename\":\"" + name + "\"}").collect(Collectors.joining(","));
    byte[] body = ("{\"id\":\"" + repo + "\",\"sha\":\"" + commit + "\",\"siblings\":[" + siblings + "]}")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  private void serveResolve(HttpExchange exchange, String repo, String revision, String name) throws IOException {
    String commit = commits.get(repo + "@" + revision);
    HubFile file = repos.getOrDefault(repo, Map.of()).get(name);
    if (commit == null || file == null) {
      reply(exchange, 404, "Entry Not Found", "EntryNotFound");
      return;
    }
    exchange.getResponseHeaders().set("X-Repo-Commit", commit);
    if (file.lfs()) {
      exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + file.etag() + "\"");
      exchange.getResponseHeaders().set("X-Linked-Size", Long.toString(file.content().length));
      exchange.getResponseHeaders().set("Location", storageBase + "/lfs-storage/" + file.etag());
      exchange.sendResponseHeaders(302, -1);
      return;
    }
    exchange.getResponseHeaders().set("ETag", "\"" + file.etag() + "\"");
    sendContent(exchange, file.etag(), file.content());
  }

  private void serveStorage(HttpExchange exchange, String sha256) throws IOException {
    HubFile file = repos.values().stream().flatMap(m -> m.values().stream())
        .filter(f -> f.etag().equals(sha256)).findFirst().orElse(null);
    if (file == null) {
      reply(exchange, 404, "no such object", "EntryNotFound");
      return;
    }
    sendContent(exchange, sha256, file.content());
  }

  private void sendContent(HttpExchange exchange, String etag, byte[] announced) throws IOException {
    byte[] content = servedInstead.getOrDefault(etag, announced);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    int start = 0;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
      if (!m.matches() || Integer.parseInt(m.group(1)) >= content.length) {
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      start = Integer.parseInt(m.group(1));
      exchange.getResponseHeaders().set("Content-Range",
          "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
    }
    int length = content.length - start;
    exchange.sendResponseHeaders(range == null ? 200 : 206, length);
    OutputStream out = exchange.getResponseBody();
    Integer cut = cutAfter.remove(etag);
    if (cut != null) {
      out.write(content, start, Math.min(cut, length));
      out.flush();
      // let the client read what was sent before the hang-up, which may reset the connection
      pause(100);
      // closing short of the announced length makes the server drop the connection
      return;
    }
    out.write(content, start, length);
  }

  private static void reply(HttpExchange exchange, int status, String message, String errorCode)
      throws IOException {
    byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("X-Error-Code", errorCode);
    exchange.getResponseHeaders().set("X-Error-Message", message);
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private void awaitRelease() {
    try {
      if (!held.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the fake hub was held for more than 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  static String gitBlobSha1(byte[] content) {
    byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[header.length + content.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(content, 0, all, header.length, content.length);
    return hex("SHA-1", all);
  }

  static String hex(String algorithm, byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
