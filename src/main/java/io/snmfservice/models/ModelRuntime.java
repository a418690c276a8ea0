package io.snmfservice.models;

import io.snmfservice.compute.ComputeDevice;
import io.snmfservice.config.SnmfProperties;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.models.hub.DownloadProgress;
import io.snmfservice.models.hub.HubClient;
import io.snmfservice.models.hub.HubIntegrityException;
import io.snmfservice.models.hub.HubNotFoundException;
import io.snmfservice.models.hub.HubOfflineException;
import io.snmfservice.models.hub.HubSettings;
import io.snmfservice.models.hub.HubUnauthorizedException;
import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.loader.TransformerLoader;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import io.snmfservice.transformer.tokenize.Tokenizers;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Loads registered models for jobs and keeps the most recently used ones in memory. A model is fetched from the
 * Hugging Face hub into the local cache on first use. Loaded models are shared between threads (the forward
 * pass is thread-safe) and closed only when evicted and no job holds them.
 */
@Component
public class ModelRuntime {

  private static final Logger log = LoggerFactory.getLogger(ModelRuntime.class);
  private static final int CAPACITY = 2;

  private final ModelService models;
  private final HubClient hub;
  private final ComputeDevice compute;
  private final Map<Long, Entry> loaded = new LinkedHashMap<>(4, 0.75f, true);

  private static final class Entry {
    final LoadedModel model;
    int users;
    boolean evicted;

    Entry(LoadedModel model) {
      this.model = model;
    }
  }

  /** A loaded model held by a job; closing it releases the hold. */
  public final class Lease implements AutoCloseable {
    private final long id;
    private final Entry entry;

    private Lease(long id, Entry entry) {
      this.id = id;
      this.entry = entry;
    }

    public LoadedModel get() {
      return entry.model;
    }

    @Override
    public void close() {
      release(id, entry);
    }
  }

  public ModelRuntime(ModelService models, SnmfProperties properties, ComputeDevice compute) {
    this.models = models;
    this.compute = compute;
    this.hub = new HubClient(hubSettings(properties.hub()));
  }

  /** The HF_* environment, overridden by {@code snmf.hub.*} where set. */
  static HubSettings hubSettings(SnmfProperties.Hub overrides) {
    HubSettings settings = HubSettings.fromSystemEnvironment();
    if (overrides.endpoint() != null) {
      settings = settings.withEndpoint(overrides.endpoint());
    }
    if (overrides.cacheDir() != null) {
      settings = settings.withCacheDir(overrides.cacheDir());
    }
    if (overrides.offline() != null) {
      settings = settings.withOffline(overrides.offline());
    }
    return settings;
  }

  /** Loads (or reuses) the model; {@code progress} hears about hub downloads. */
  public Lease acquire(long modelId, DownloadProgress progress) {
    synchronized (this) {
      Entry entry = loaded.get(modelId);
      if (entry != null) {
        entry.users++;
        return new Lease(modelId, entry);
      }
    }
    LoadedModel model = load(models.get(modelId), progress);
    models.recordShapeIfUnknown(modelId, model.transformer().config());
    synchronized (this) {
      Entry entry = loaded.get(modelId);
      if (entry != null) {
        close(model);
      } else {
        entry = new Entry(model);
        loaded.put(modelId, entry);
        evictBeyondCapacity();
      }
      entry.users++;
      return new Lease(modelId, entry);
    }
  }

  /**
   * For a job: reports stage {@code load-model}, then hub download progress within [0, downloadShare] of the job.
   */
  public Lease acquireFor(JobContext job, long modelId, double downloadShare) {
    job.report("load-model", 0);
    return acquire(modelId,
        (file, done, total) -> job.report("download", total > 0 ? downloadShare * done / total : 0, file));
  }

  /** Where a model's files are, downloading hub models into the cache first. */
  public Path files(Model model, DownloadProgress progress) {
    return switch (model.getSource()) {
      case LLAMA2C, LOCAL_DIR -> Path.of(model.getPath());
      case HF_HUB -> hub.snapshot(model.getHfRepoId(), model.getHfRevision(), progress);
    };
  }

  /**
   * Loads weights and tokenizer. Failures that another attempt cannot fix (unknown repository, no access, not in
   * the offline cache, corrupt download, unsupported checkpoint) fail the job at once; network errors are retried.
   */
  private LoadedModel load(Model model, DownloadProgress progress) {
    long start = System.nanoTime();
    Path files;
    HookedTransformer transformer;
    try {
      files = files(model, progress);
      transformer = TransformerLoader.load(files, compute.device());
    } catch (HubNotFoundException | HubUnauthorizedException | HubOfflineException | HubIntegrityException e) {
      throw new JobFailedException(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new JobFailedException("model " + model.getId() + " cannot be loaded: " + e.getMessage());
    }
    try {
      TextTokenizer tokenizer = Tokenizers.forModel(files, transformer.config().vocabSize());
      log.info("Loaded model {} '{}' from {} in {} ms", model.getId(), model.getName(), files,
          (System.nanoTime() - start) / 1_000_000);
      return new LoadedModel(model, files, transformer, tokenizer);
    } catch (IOException e) {
      transformer.close();
      throw new UncheckedIOException("cannot read the tokenizer of model " + model.getId(), e);
    }
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<Long, Entry>> it = loaded.entrySet().iterator();
    while (loaded.size() > CAPACITY && it.hasNext()) {
      Entry eldest = it.next().getValue();
      it.remove();
      eldest.evicted = true;
      if (eldest.users == 0) {
        close(eldest.model);
      }
    }
  }

  private synchronized void release(long id, Entry entry) {
    entry.users--;
    if (entry.evicted && entry.users == 0) {
      close(entry.model);
    }
  }

  /** Drops a model from memory, e.g. after it was deleted. */
  public synchronized void forget(long modelId) {
    Entry entry = loaded.remove(modelId);
    if (entry != null) {
      entry.evicted = true;
      if (entry.users == 0) {
        close(entry.model);
      }
    }
  }

  private static void close(LoadedModel model) {
    model.transformer().close();
    model.tokenizer().close();
  }

  @PreDestroy
  synchronized void closeAll() {
    loaded.values().forEach(e -> close(e.model));
    loaded.clear();
  }
}
