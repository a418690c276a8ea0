package io.snmfservice.activations;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How far a collection into a directory got: batches completed, columns written, width per hook. Written after the
 * batch's files are synced, to a temporary file that is synced and renamed into place, so the cursor on disk never
 * promises more than the files hold.
 *
 * @param fingerprint what was being collected (hooks, batch size, windows, slice); a different collection ignores it
 */
record CollectionCursor(String fingerprint, int batches, long columns, Map<String, Integer> widths) {

  private static final String FILE = "cursor";

  /** The cursor in {@code directory} if one was left there by the same collection. */
  static Optional<CollectionCursor> read(Path directory, String fingerprint) {
    Path file = directory.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
      if (!fingerprint.equals(p.getProperty("fingerprint"))) {
        return Optional.empty();
      }
      Map<String, Integer> widths = new LinkedHashMap<>();
      for (String hook : p.getProperty("hooks", "").split(",")) {
        if (!hook.isEmpty()) {
          widths.put(hook, Integer.parseInt(p.getProperty("width." + hook)));
        }
      }
      return Optional.of(new CollectionCursor(fingerprint, Integer.parseInt(p.getProperty("batches")),
          Long.parseLong(p.getProperty("columns")), widths));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // unreadable: start over
    }
  }

  void write(Path directory) {
    Properties p = new Properties();
    p.setProperty("fingerprint", fingerprint);
    p.setProperty("batches", Integer.toString(batches));
    p.setProperty("columns", Long.toString(columns));
    p.setProperty("hooks", String.join(",", widths.keySet()));
    widths.forEach((hook, width) -> p.setProperty("width." + hook, Integer.toString(width)));
    try {
      StringWriter text = new StringWriter();
      p.store(text, null);
      Path tmp = directory.resolve(FILE + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      Files.move(tmp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true); // the rename itself survives a crash
      } catch (IOException e) {
        // some file systems cannot sync a directory; the rename is still atomic
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path directory) {
    try {
      Files.deleteIfExists(directory.resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
