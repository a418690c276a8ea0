package io.snmfservice.models;

import io.snmfservice.config.SnmfProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where server-side model files may come from. A path is accepted only if, after resolving {@code ..} and every
 * symbolic link, it lies inside one of the allowed roots. Everything else gets one and the same answer, so that
 * the API cannot be used to learn which paths exist on the server.
 */
@Component
public class ModelRoots {

  static final String OUTSIDE = "path is not inside an allowed model root: add its directory to"
      + " snmf.models.allowed-roots (environment SNMF_MODELS_ALLOWED_ROOTS)";
  private static final Logger log = LoggerFactory.getLogger(ModelRoots.class);

  private final List<Path> roots;

  ModelRoots(ModelRootsProperties settings, SnmfProperties properties) {
    List<Path> configured = settings.allowedRoots() == null
        ? List.of()
        : settings.allowedRoots().stream().filter(r -> !r.isBlank()).map(r -> Path.of(r.trim())).toList();
    List<Path> chosen = configured.isEmpty()
        ? List.of(properties.dataDir().resolve("models"), ModelRuntime.hubSettings(properties.hub()).cacheDir())
        : configured;
    this.roots = chosen.stream().map(ModelRoots::resolved).toList();
    log.info("Models may be registered from server paths inside {}", roots);
  }

  /** The resolved path if it lies inside an allowed root; empty otherwise (whether or not it exists). */
  public Optional<Path> resolveInside(String path) {
    Path candidate;
    try {
      candidate = resolved(Path.of(path));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    return roots.stream().anyMatch(candidate::startsWith) ? Optional.of(candidate) : Optional.empty();
  }

  /**
   * The absolute path with symbolic links resolved as far as the path exists: the longest existing prefix is
   * resolved to its real path and the rest appended, so a link inside a root cannot smuggle a path out of it.
   */
  static Path resolved(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      Path real = existing.toRealPath();
      return real.resolve(existing.relativize(absolute)).normalize();
    } catch (IOException e) {
      // a dangling link or an unreadable directory: nothing under it can be used
      return Path.of("/nonexistent-model-root-guard").resolve(absolute.toString().substring(1));
    }
  }
}
