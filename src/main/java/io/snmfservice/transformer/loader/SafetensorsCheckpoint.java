package io.snmfservice.transformer.loader;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.snmfservice.transformer.HostTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The safetensors weights of a Hugging Face model directory: the shards named by
 * {@code model.safetensors.index.json} ({@code weight_map: name → file}) when it exists, otherwise every
 * {@code *.safetensors} file in the directory.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

  private final Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
  private final Map<String, SafetensorsFile> files = new HashMap<>();

  private SafetensorsCheckpoint(Path directory) throws IOException {
    Path index = directory.resolve("model.safetensors.index.json");
    try {
      if (Files.exists(index)) {
        JsonObject weightMap = JsonParser.parseString(Files.readString(index)).getAsJsonObject().getAsJsonObject("weight_map");
        for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
          SafetensorsFile file = files.computeIfAbsent(e.getValue().getAsString(), f -> shard(directory, f));
          if (!file.contains(e.getKey())) {
            throw new IOException("index names " + e.getKey() + " in " + e.getValue().getAsString() + ", which lacks it");
          }
          byName.put(e.getKey(), file);
        }
      } else {
        List<Path> shards;
        try (Stream<Path> listing = Files.list(directory)) {
          shards = listing.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        if (shards.isEmpty()) {
          throw new IOException(directory + " holds no *.safetensors file");
        }
        for (Path shard : shards) {
          SafetensorsFile file = shard(directory, shard.getFileName().toString());
          files.put(shard.getFileName().toString(), file);
          for (String name : file.names()) {
            byName.put(name, file);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Opens one shard, which must lie in the directory; a malformed one is named in the message. */
  private static SafetensorsFile shard(Path directory, String fileName) {
    Path shard = directory.resolve(fileName).normalize();
    if (!shard.startsWith(directory.normalize()) || shard.equals(directory.normalize())) {
      throw new MalformedTensorFileException("weight_map names " + fileName + ", which is not a file in " + directory);
    }
    try {
      return SafetensorsFile.open(shard);
    } catch (MalformedTensorFileException e) {
      throw new MalformedTensorFileException(fileName + ": " + e.getMessage());
    }
  }

  /** Opens the weights of a model directory. */
  public static SafetensorsCheckpoint open(Path directory) {
    try {
      return new SafetensorsCheckpoint(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read weights in " + directory, e);
    }
  }

  public Set<String> names() {
    return byName.keySet();
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Reads a tensor as float32; fails with the missing name when absent. */
  public HostTensor read(String name) {
    SafetensorsFile file = byName.get(name);
    if (file == null) {
      throw new IllegalArgumentException("checkpoint has no tensor " + name);
    }
    return file.read(name);
  }

  @Override
  public void close() {
    for (SafetensorsFile file : files.values()) {
      file.close();
    }
  }
}
