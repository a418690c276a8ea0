package io.snmfservice.features;

import io.snmfservice.activations.StoreFullException;
import io.snmfservice.activations.StoreSpace;
import io.snmfservice.activations.TokenIndex;
import io.snmfservice.activations.store.StoreDirectory;
import io.snmfservice.snmf.GFactor;
import io.snmfservice.snmf.HierarchyLevel;
import io.snmfservice.snmf.HierarchyResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The factors of a factorization as NumPy files in the store, the source of exports: {@code F_level{l}.npy}
 * (d × K_l), {@code G.npy} (n × K₁, the token coefficients), {@code tokens.npy} (n × 3: document, position, token
 * id) and {@code links_level{l}.npy} (K_l × K_{l+1}).
 */
final class FactorFiles {

  static final String G = "G.npy";
  static final String TOKENS = "tokens.npy";

  private FactorFiles() {}

  static String f(int level) {
    return "F_level" + level + ".npy";
  }

  static String links(int level) {
    return "links_level" + level + ".npy";
  }

  /** Removes a factor directory; files that cannot be removed do no harm once the rows are gone. */
  static void deleteQuietly(Path dir) {
    try {
      StoreDirectory.deleteRecursively(dir);
    } catch (UncheckedIOException e) {
      // left behind
    }
  }

  /**
   * Writes the factor files into {@code dir}, replacing what was there; on failure nothing is left, and a full
   * disk fails the job with 507 instead of being retried.
   */
  static Path write(Path dir, HierarchyResult factors, TokenIndex index) {
    StoreDirectory.deleteRecursively(dir);
    try {
      Files.createDirectories(dir);
      writeFiles(dir, factors, index);
      return dir;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir);
      if (StoreSpace.isNoSpace(e)) {
        throw new StoreFullException("no space left on the device of the factor files (" + dir.getParent()
            + "); free space and submit the factorization again");
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private static void writeFiles(Path dir, HierarchyResult factors, TokenIndex index) {
    for (int l = 0; l < factors.levels().size(); l++) {
      HierarchyLevel level = factors.levels().get(l);
      try (NpyWriter out = NpyWriter.float32(dir.resolve(f(l)), level.d(), level.k())) {
        for (int i = 0; i < level.d(); i++) {
          for (int j = 0; j < level.k(); j++) {
            out.writeFloat((float) level.f()[j * level.d() + i]);
          }
        }
      }
    }
    for (int l = 0; l < factors.links().size(); l++) {
      double[][] link = factors.links().get(l);
      try (NpyWriter out = NpyWriter.float32(dir.resolve(links(l)), link.length, link[0].length)) {
        for (double[] row : link) {
          for (double v : row) {
            out.writeFloat((float) v);
          }
        }
      }
    }
    GFactor g = factors.tokens().g();
    try (NpyWriter out = NpyWriter.float32(dir.resolve(G), g.n(), g.k())) {
      for (long start = 0; start < g.n(); start += 8192) {
        int count = (int) Math.min(8192, g.n() - start);
        for (double v : g.readRows(start, count)) {
          out.writeFloat((float) v);
        }
      }
    }
    try (NpyWriter out = NpyWriter.int32(dir.resolve(TOKENS), index.size(), 3)) {
      for (int c = 0; c < index.size(); c++) {
        out.writeInt(index.document(c));
        out.writeInt(index.position(c));
        out.writeInt(index.token(c));
      }
    }
  }
}
