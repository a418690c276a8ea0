package io.snmfservice.models.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hub cache on disk, laid out exactly as {@code huggingface_hub} lays it out so that both share files:
 * <pre>
 * {root}/models--{org}--{name}/refs/{revision}          the commit hash a branch or tag pointed to
 * {root}/models--{org}--{name}/snapshots/{commit}/{file} symbolic link to ../../blobs/{etag}
 * {root}/models--{org}--{name}/blobs/{etag}             file content, named by git sha1 or LFS sha256
 * {root}/.locks/models--{org}--{name}/{etag}.lock       held while a blob is downloaded
 * </pre>
 */
final class HubCache {

  static final String INDEX_FILE = "model.safetensors.index.json";
  private static final Pattern COMMIT_HASH = Pattern.compile("[0-9a-f]{40}");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path root;

  HubCache(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  static String folderName(String repoId) {
    return "models--" + repoId.replace("/", "--");
  }

  static boolean isCommitHash(String revision) {
    return COMMIT_HASH.matcher(revision).matches();
  }

  Path repoDir(String repoId) {
    return root.resolve(folderName(repoId));
  }

  Path refFile(String repoId, String revision) {
    return inside(repoDir(repoId).resolve("refs"), revision);
  }

  Path snapshotDir(String repoId, String commit) {
    return inside(repoDir(repoId).resolve("snapshots"), commit);
  }

  Path blob(String repoId, String etag) {
    return inside(repoDir(repoId).resolve("blobs"), etag);
  }

  Path incompleteBlob(String repoId, String etag) {
    return inside(repoDir(repoId).resolve("blobs"), etag + ".incomplete");
  }

  Path lockFile(String repoId, String etag) {
    return inside(root.resolve(".locks").resolve(folderName(repoId)), etag + ".lock");
  }

  /** The commit a revision stands for, as far as the cache knows (a commit hash stands for itself). */
  Optional<String> commitFor(String repoId, String revision) {
    if (isCommitHash(revision)) {
      return Optional.of(revision);
    }
    Path ref = refFile(repoId, revision);
    if (!Files.isRegularFile(ref)) {
      return Optional.empty();
    }
    try {
      String commit = Files.readString(ref).trim();
      return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ref, e);
    }
  }

  /** The cached snapshot of a revision if it holds a loadable model (see {@link #holdsModel(Path)}). */
  Optional<Path> completeSnapshot(String repoId, String revision) {
    return commitFor(repoId, revision)
        .map(commit -> snapshotDir(repoId, commit))
        .filter(HubCache::holdsModel);
  }

  void writeRef(String repoId, String revision, String commit) {
    if (revision.equals(commit)) {
      return;
    }
    Path ref = refFile(repoId, revision);
    try {
      Files.createDirectories(ref.getParent());
      Files.writeString(ref, commit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + ref, e);
    }
  }

  /** Points a snapshot entry at its blob by a relative symbolic link; copies where links are not allowed. */
  static void link(Path pointer, Path blob) {
    Path target = pointer.getParent().relativize(blob);
    try {
      Files.createDirectories(pointer.getParent());
      if (Files.isSymbolicLink(pointer) && Files.readSymbolicLink(pointer).equals(target)) {
        return;
      }
      Files.deleteIfExists(pointer);
      try {
        Files.createSymbolicLink(pointer, target);
      } catch (FileAlreadyExistsException raced) {
        // another download of the same snapshot linked it in the meantime
        if (!Files.isSymbolicLink(pointer) || !Files.readSymbolicLink(pointer).equals(target)) {
          throw raced;
        }
      } catch (UnsupportedOperationException | IOException noLinks) {
        Files.copy(blob, pointer, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + pointer, e);
    }
  }

  /**
   * Whether a directory holds a model that can be loaded: {@code config.json} and its safetensors weights
   * (every shard the index names, or at least one {@code *.safetensors} without an index).
   */
  static boolean holdsModel(Path dir) {
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      return false;
    }
    Path index = dir.resolve(INDEX_FILE);
    if (Files.isRegularFile(index)) {
      for (String shard : shardsOf(index)) {
        if (!Files.isRegularFile(dir.resolve(shard))) {
          return false;
        }
      }
      return true;
    }
    try (DirectoryStream<Path> weights = Files.newDirectoryStream(dir, "*.safetensors")) {
      Iterator<Path> it = weights.iterator();
      while (it.hasNext()) {
        if (Files.isRegularFile(it.next())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The distinct shard file names in a {@code model.safetensors.index.json} {@code weight_map}. */
  static Set<String> shardsOf(Path index) {
    return shardsOf(JSON.readTree(index));
  }

  static Set<String> shardsOf(JsonNode index) {
    JsonNode weightMap = index.path("weight_map");
    Set<String> shards = new TreeSet<>();
    for (JsonNode shard : weightMap.values()) {
      shards.add(shard.asString());
    }
    return shards;
  }

  /** Resolves a name from the hub below a directory, refusing names that would climb out of it. */
  static Path inside(Path dir, String relative) {
    Path resolved = dir.resolve(relative).normalize();
    if (relative.isEmpty() || !resolved.startsWith(dir) || resolved.equals(dir)) {
      throw new HubException("refusing the path '" + relative + "': it leaves " + dir);
    }
    return resolved;
  }
}
