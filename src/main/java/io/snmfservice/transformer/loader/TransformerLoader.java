package io.snmfservice.transformer.loader;

import ai.djl.Device;
import io.snmfservice.transformer.CanonicalWeights;
import io.snmfservice.transformer.HookedTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Entry point for loading a model from local files: a llama2.c {@code .bin} file, a directory holding one, or a
 * Hugging Face directory ({@code config.json} + safetensors).
 */
public final class TransformerLoader {

  private TransformerLoader() {}

  /** Loads and uploads a model to a device; the caller closes it. */
  public static HookedTransformer load(Path dirOrBin, Device device) {
    return HookedTransformer.fromWeights(loadWeights(dirOrBin), device);
  }

  /** Reads and translates a checkpoint into the canonical layout without creating native arrays. */
  public static CanonicalWeights loadWeights(Path dirOrBin) {
    if (Files.isRegularFile(dirOrBin)) {
      return Llama2cLoader.load(dirOrBin);
    }
    if (!Files.isDirectory(dirOrBin)) {
      throw new IllegalArgumentException("no model at " + dirOrBin.toAbsolutePath());
    }
    if (Files.exists(dirOrBin.resolve("config.json"))) {
      return HfCheckpointLoader.load(dirOrBin);
    }
    List<Path> bins;
    try (Stream<Path> listing = Files.list(dirOrBin)) {
      bins = listing.filter(p -> p.getFileName().toString().endsWith(".bin")
          && !p.getFileName().toString().startsWith("tokenizer")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bins.size() != 1) {
      throw new IllegalArgumentException(dirOrBin + " holds neither config.json nor exactly one llama2.c .bin file");
    }
    return Llama2cLoader.load(bins.get(0));
  }
}
