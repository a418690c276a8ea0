package io.snmfservice.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Downloads one blob into the cache: bytes go to {@code blobs/{etag}.incomplete}, which a later attempt
 * continues with {@code Range: bytes={length}-}; the finished file is checked against the announced size (and
 * sha256 for LFS files) before it is renamed to {@code blobs/{etag}}. A lock file (plus a lock inside this JVM,
 * since file locks are per process) keeps two downloads of the same blob apart.
 */
final class BlobDownload {

  private static final int BUFFER_SIZE = 1 << 16;
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final HubHttp http;

  BlobDownload(HubHttp http) {
    this.http = http;
  }

  /**
   * Makes {@code blob} hold the file at {@code uri}.
   *
   * @param bytesWritten told the number of new bytes after each buffer (resumed bytes are reported at once)
   */
  void fetch(URI uri, FileMetadata meta, Path blob, Path incomplete, Path lockFile, String what,
      LongConsumer bytesWritten) {
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
    jvmLock.lock();
    try {
      Files.createDirectories(lockFile.getParent());
      Files.createDirectories(blob.getParent());
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (Files.isRegularFile(blob)) {
          bytesWritten.accept(meta.size());
          return;
        }
        download(uri, meta, incomplete, what, bytesWritten);
        verify(meta, incomplete, what);
        Files.move(incomplete, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + blob + " for " + what, e);
    } finally {
      jvmLock.unlock();
    }
  }

  private void download(URI uri, FileMetadata meta, Path incomplete, String what, LongConsumer bytesWritten)
      throws IOException {
    long resumeFrom = Files.isRegularFile(incomplete) ? Files.size(incomplete) : 0;
    if (resumeFrom > meta.size()) {
      Files.delete(incomplete);
      resumeFrom = 0;
    }
    if (resumeFrom == meta.size() && resumeFrom > 0) {
      bytesWritten.accept(resumeFrom);
      return;
    }
    HttpResponse<InputStream> response = http.get(uri, resumeFrom, what);
    int status = response.statusCode();
    if (status == 416) {
      // the server refuses our range: start over from the first byte
      response.body().close();
      Files.deleteIfExists(incomplete);
      resumeFrom = 0;
      response = http.get(uri, 0, what);
      status = response.statusCode();
    }
    boolean append = resumeFrom > 0 && status == 206;
    if (resumeFrom > 0 && status == 206) {
      String contentRange = response.headers().firstValue("Content-Range").orElse("");
      if (!contentRange.startsWith("bytes " + resumeFrom + "-")) {
        response.body().close();
        throw new HubException("the hub answered the range request for " + what + " with Content-Range '"
            + contentRange + "', expected bytes " + resumeFrom + "-");
      }
    } else if (status != 200) {
      response.body().close();
      throw new HubException("unexpected HTTP " + status + " downloading " + what + " from " + uri);
    }
    long present = append ? resumeFrom : 0;
    bytesWritten.accept(present);
    StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (InputStream in = response.body();
        OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            mode)) {
      byte[] buffer = new byte[BUFFER_SIZE];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        present += n;
        bytesWritten.accept(n);
      }
    } catch (IOException e) {
      throw new HubNetworkException("the download of " + what + " broke off after " + present + " of "
          + meta.size() + " bytes (" + e.getMessage() + "); the part is kept in " + incomplete
          + " and the next attempt resumes it", e);
    }
  }

  private static void verify(FileMetadata meta, Path file, String what) throws IOException {
    long size = Files.size(file);
    if (size != meta.size()) {
      Files.delete(file);
      throw new HubIntegrityException("downloaded " + what + " has " + size + " bytes but the hub announced "
          + meta.size() + "; the file was deleted, try again");
    }
    if (meta.etagIsSha256()) {
      String actual = sha256(file);
      if (!actual.equals(meta.etag())) {
        Files.delete(file);
        throw new HubIntegrityException("downloaded " + what + " has sha256 " + actual
            + " but the hub announced " + meta.etag() + "; the file was deleted, try again");
      }
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
