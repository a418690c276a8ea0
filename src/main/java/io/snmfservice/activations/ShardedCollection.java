package io.snmfservice.activations;

import io.snmfservice.activations.store.ShardManifest;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.jobs.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Collections split into shard jobs ({@code collect-shard}, children of the collecting job): the shards' parameters,
 * the description each shard gives of its files, and the assembly of finished shards into activation sets read as
 * one matrix through a {@link ShardManifest} per hook and one for the token index.
 */
@Service
public class ShardedCollection {

  private static final Logger log = LoggerFactory.getLogger(ShardedCollection.class);
  static final String INDEX_MANIFEST = "tokens" + ShardManifest.SUFFIX;

  private final ActivationSetService sets;
  private final JsonMapper json;

  public ShardedCollection(ActivationSetService sets, JsonMapper json) {
    this.sets = sets;
    this.json = json;
  }

  /** The job type of a shard, for submitting one with {@code JobService.submitWithChildren}. */
  public static String shardType() {
    return CollectShardJobHandler.TYPE;
  }

  /** Where the shards of job {@code jobId} write (each into {@code shard-<k>/}) and its manifests go. */
  Path directory(long jobId) {
    return sets.store().resolve("job-" + jobId);
  }

  /** Parameters of the {@code shards} shard jobs recording {@code layers} of a collection. */
  public List<JsonNode> shardParams(long modelId, long datasetId, List<Integer> layers, String hook,
      int contextLength, int batchSize, int shards) {
    List<JsonNode> out = new ArrayList<>();
    for (int k = 0; k < shards; k++) {
      out.add(new CollectShardSettings(modelId, datasetId, layers, hook, contextLength, batchSize, k, shards)
          .toJson(json));
    }
    return out;
  }

  /** A shard's result: its token count, documents, and per file (relative to the collection) bytes and SHA-256. */
  JsonNode describe(ActivationCollector.Collected collected, Path collection, int shard) {
    ObjectNode out = json.createObjectNode().put("shard", shard).put("tokens", collected.n())
        .put("resumedAfterBatch", collected.resumedAfterBatch())
        .put("tokensPerSecond", Math.round(collected.tokensPerSecond()));
    if (collected.n() == 0) {
      return out; // more shards than batches: this one had nothing to record
    }
    TokenIndex index = TokenIndex.read(collected.index());
    out.put("firstDocument", index.document(0)).put("lastDocument", index.document(index.size() - 1));
    out.set("index", file(collection, collected.index()));
    ObjectNode activations = out.putObject("activations");
    collected.files().forEach((hook, path) ->
        activations.set(hook, file(collection, path).put("d", collected.widths().get(hook))));
    return out;
  }

  private ObjectNode file(Path collection, Path file) {
    try {
      return json.createObjectNode().put("file", collection.relativize(file).toString())
          .put("bytes", Files.size(file)).put("sha256", ShardManifest.sha256(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Assembles the finished shards of {@code job} into activation sets of {@code layers}: checks every shard
   * succeeded and every file still has its checksum, writes the manifests, and returns the sets to register in
   * the job's completion transaction (layers no shard recorded are the ones reused at submission).
   */
  public ActivationSetService.Prepared assemble(JobContext job, long modelId, long datasetId, List<Integer> layers,
      String hook, int contextLength, double progress) {
    List<Job> shards = job.children();
    for (Job shard : shards) {
      if (shard.status() != JobStatus.SUCCEEDED) {
        String detail = shard.error() == null ? "" : ": " + shard.error().path("detail").asString("");
        int index = CollectShardSettings.fromJson(json, shard.params()).shard();
        throw new JobFailedException("shard " + index + " (job " + shard.id() + ") ended " + shard.status() + detail);
      }
    }
    job.report("assemble", progress, "verifying " + shards.size() + " shards");
    Path dir = directory(job.jobId());
    List<ShardManifest.Part> indexParts = new ArrayList<>();
    Map<String, List<ShardManifest.Part>> matrixParts = new LinkedHashMap<>();
    Map<String, Integer> widths = new LinkedHashMap<>();
    long first = 0;
    for (int k = 0; k < shards.size(); k++) {
      JsonNode r = shards.get(k).result();
      if (r.get("shard").asInt() != k) {
        throw new JobFailedException("shard jobs of job " + job.jobId() + " are out of order");
      }
      long tokens = r.get("tokens").asLong();
      if (tokens == 0) {
        continue;
      }
      indexParts.add(part(dir, k, r.get("index"), first, tokens, r));
      for (var entry : r.get("activations").properties()) {
        matrixParts.computeIfAbsent(entry.getKey(), h -> new ArrayList<>())
            .add(part(dir, k, entry.getValue(), first, tokens, r));
        widths.put(entry.getKey(), entry.getValue().get("d").asInt());
      }
      first += tokens;
    }
    if (first == 0) {
      throw new JobFailedException("the dataset has no tokens to record");
    }
    Path index = dir.resolve(INDEX_MANIFEST);
    new ShardManifest(1, ShardManifest.TOKEN_INDEX, first, indexParts).write(index);
    Instant started = shards.stream().map(Job::startedAt).filter(Objects::nonNull).min(Instant::compareTo)
        .orElse(Instant.now());
    double seconds = Duration.between(started, Instant.now()).toMillis() / 1e3;
    Map<Integer, ActivationSet> recorded = new LinkedHashMap<>();
    Map<Integer, ActivationSet> reused = new LinkedHashMap<>();
    for (int layer : layers) {
      String name = HookName.at(layer, hook);
      if (matrixParts.containsKey(name)) {
        Path matrix = dir.resolve(name + ShardManifest.SUFFIX);
        new ShardManifest(1, ShardManifest.ACTIVATIONS, first, matrixParts.get(name)).write(matrix);
        recorded.put(layer, new ActivationSet(modelId, datasetId, layer, hook, contextLength, widths.get(name), first,
            "float32", matrix.toString(), index.toString(), job.jobId(), seconds));
      } else {
        reused.put(layer, sets.existing(modelId, datasetId, layer, hook, contextLength).orElseThrow(
            () -> new JobFailedException("the recorded set of layer " + layer + " that this collection reuses was"
                + " deleted meanwhile; submit it again")));
      }
    }
    log.info("Assembled {} shards of job {}: {} tokens at layers {}", shards.size(), job.jobId(), first,
        recorded.keySet());
    return new ActivationSetService.Prepared(reused, recorded, 0);
  }

  /** The manifest entry of one shard file, after checking the file still is what the shard wrote. */
  private static ShardManifest.Part part(Path dir, int shard, JsonNode file, long first, long tokens, JsonNode r) {
    String name = file.get("file").asString();
    String sha = ShardManifest.sha256(dir.resolve(name));
    if (!sha.equals(file.get("sha256").asString())) {
      throw new JobFailedException("shard " + shard + " file " + name + " changed after the shard finished"
          + " (SHA-256 " + sha + ", recorded " + file.get("sha256").asString() + ")");
    }
    return new ShardManifest.Part(shard, name, first, tokens, r.get("firstDocument").asInt(),
        r.get("lastDocument").asInt(), file.get("bytes").asLong(), sha);
  }
}
