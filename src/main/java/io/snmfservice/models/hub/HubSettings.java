package io.snmfservice.models.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where the Hugging Face hub is and where its files are cached, read the way the {@code huggingface_hub}
 * Python library reads them, so both share one cache.
 *
 * @param endpoint hub base URI, e.g. {@code https://huggingface.co} (no trailing slash)
 * @param cacheDir the hub cache holding {@code models--{org}--{name}} folders
 * @param token access token sent as {@code Authorization: Bearer}, for private and gated repositories
 * @param offline when set only the cache is used and no request leaves the machine
 */
public record HubSettings(URI endpoint, Path cacheDir, Optional<String> token, boolean offline) {

  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

  private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");

  public HubSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(token, "token");
    String text = endpoint.toString();
    if (text.endsWith("/")) {
      endpoint = URI.create(text.substring(0, text.length() - 1));
    }
    token = token.map(String::trim).filter(t -> !t.isEmpty());
  }

  /** Settings for the public hub with the given cache directory. */
  public static HubSettings of(Path cacheDir) {
    return new HubSettings(DEFAULT_ENDPOINT, cacheDir, Optional.empty(), false);
  }

  /** Reads the process environment: see {@link #fromEnvironment(Map)}. */
  public static HubSettings fromSystemEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Reads the variables {@code huggingface_hub} honours. Cache: {@code HF_HUB_CACHE}, else
   * {@code $HF_HOME/hub}, else {@code $XDG_CACHE_HOME/huggingface/hub}, else
   * {@code ~/.cache/huggingface/hub}. Endpoint: {@code HF_ENDPOINT}. Token: {@code HF_TOKEN} (or the older
   * {@code HUGGING_FACE_HUB_TOKEN}), else the file written by {@code huggingface-cli login}
   * ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token}). Offline: {@code HF_HUB_OFFLINE} (or
   * {@code TRANSFORMERS_OFFLINE}) set to 1/ON/YES/TRUE.
   *
   * @param env the environment, e.g. {@link System#getenv()}; tests pass their own map
   */
  public static HubSettings fromEnvironment(Map<String, String> env) {
    Path home = Path.of(nonBlank(env.get("HOME")).orElse(System.getProperty("user.home")));
    Path hfHome = nonBlank(env.get("HF_HOME")).map(Path::of)
        .orElseGet(() -> nonBlank(env.get("XDG_CACHE_HOME")).map(Path::of).orElse(home.resolve(".cache"))
            .resolve("huggingface"));
    Path cacheDir = nonBlank(env.get("HF_HUB_CACHE")).map(Path::of).orElse(hfHome.resolve("hub"));
    URI endpoint = nonBlank(env.get("HF_ENDPOINT")).map(URI::create).orElse(DEFAULT_ENDPOINT);
    Optional<String> token = nonBlank(env.get("HF_TOKEN"))
        .or(() -> nonBlank(env.get("HUGGING_FACE_HUB_TOKEN")))
        .or(() -> readTokenFile(nonBlank(env.get("HF_TOKEN_PATH")).map(Path::of).orElse(hfHome.resolve("token"))));
    boolean offline = isTrue(env.get("HF_HUB_OFFLINE")) || isTrue(env.get("TRANSFORMERS_OFFLINE"));
    return new HubSettings(endpoint, cacheDir, token, offline);
  }

  public HubSettings withOffline(boolean newOffline) {
    return new HubSettings(endpoint, cacheDir, token, newOffline);
  }

  public HubSettings withCacheDir(Path newCacheDir) {
    return new HubSettings(endpoint, newCacheDir, token, offline);
  }

  public HubSettings withEndpoint(URI newEndpoint) {
    return new HubSettings(newEndpoint, cacheDir, token, offline);
  }

  public HubSettings withToken(String newToken) {
    return new HubSettings(endpoint, cacheDir, Optional.ofNullable(newToken), offline);
  }

  /** Never prints the token itself: settings end up in logs. */
  @Override
  public String toString() {
    return "HubSettings[endpoint=" + endpoint + ", cacheDir=" + cacheDir + ", token="
        + (token.isPresent() ? "<set>" : "<none>") + ", offline=" + offline + "]";
  }

  private static Optional<String> readTokenFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return nonBlank(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the hub token file " + file, e);
    }
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static boolean isTrue(String value) {
    return value != null && TRUE_VALUES.contains(value.trim().toUpperCase(Locale.ROOT));
  }
}
