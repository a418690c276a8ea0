package io.snmfservice.activations.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * A matrix or token index stored as consecutive parts, one per shard of a sharded collection: which file holds
 * which columns (global token range), its size and SHA-256. Files named {@code *.manifest.json}; part files are
 * relative to the manifest's directory. Readers ({@link ActivationFileReader}, the token index) open a manifest
 * as one matrix whose columns are the parts' columns in order.
 *
 * @param kind {@code activations} or {@code token-index}
 * @param n columns over all parts
 */
public record ShardManifest(int version, String kind, long n, List<Part> parts) {

  public static final String SUFFIX = ".manifest.json";
  public static final String ACTIVATIONS = "activations";
  public static final String TOKEN_INDEX = "token-index";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * @param file path relative to the manifest's directory
   * @param firstColumn global index of the part's first column (token)
   * @param firstDocument, lastDocument ordinals of the documents whose tokens the part holds (null when empty)
   */
  public record Part(int shard, String file, long firstColumn, long columns, Integer firstDocument,
      Integer lastDocument, long bytes, String sha256) {}

  public static boolean isManifest(Path path) {
    return path.getFileName().toString().endsWith(SUFFIX);
  }

  public static ShardManifest read(Path path) {
    try {
      ShardManifest m = JSON.readValue(Files.readString(path), ShardManifest.class);
      if (m.version() != 1 || m.parts() == null) {
        throw new ActivationFormatException("unsupported shard manifest " + path);
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      if (e instanceof ActivationFormatException) {
        throw e;
      }
      throw new ActivationFormatException("unreadable shard manifest " + path + ": " + e.getMessage());
    }
  }

  /** Writes the manifest (to a temporary file renamed into place, so readers never see half of it). */
  public void write(Path path) {
    try {
      Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
      Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The part files of the manifest at {@code path}, as paths. */
  public List<Path> files(Path path) {
    return parts.stream().map(p -> path.resolveSibling(p.file())).toList();
  }

  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int r; (r = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, r);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
