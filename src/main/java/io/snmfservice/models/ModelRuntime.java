package io.snmfservice.models;

import io.snmfservice.compute.ComputeDevice;
import io.snmfservice.config.SnmfProperties;
import io.snmfservice.errors.Conflict;
import io.snmfservice.jobs.JobContext;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.models.hub.DownloadProgress;
import io.snmfservice.models.hub.HubClient;
import io.snmfservice.models.hub.HubDownloadTooLargeException;
import io.snmfservice.models.hub.HubException;
import io.snmfservice.models.hub.HubInsufficientStorageException;
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
 * Loads registered models and keeps the most recently used ones in memory. Hub models are fetched into the local
 * cache only by jobs ({@link #acquireFor}), bounded by the {@link HubPolicy}; an API request
 * ({@link #acquire(long)}) uses the cache alone and answers 409 with a download job while the files are missing.
 * Loaded models are shared between threads (the forward pass is thread-safe) and closed only when evicted and no
 * job holds them.
 */
@Component
public class ModelRuntime {

  private static final Logger log = LoggerFactory.getLogger(ModelRuntime.class);
  private static final int CAPACITY = 2;

  private final ModelService models;
  private final HubClient hub;
  private final HubPolicy policy;
  private final ModelDownloads downloads;
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

  public ModelRuntime(ModelService models, SnmfProperties properties, ComputeDevice compute, HubPolicy policy,
      ModelDownloads downloads) {
    this.models = models;
    this.compute = compute;
    this.policy = policy;
    this.downloads = downloads;
    this.hub = new HubClient(hubSettings(properties.hub())).withLimits(policy.limits());
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
    if (overrides.token() != null && !overrides.token().isBlank()) {
      settings = settings.withToken(overrides.token());
    }
    return settings;
  }

  /**
   * For an API request: loads (or reuses) the model from files already on the server, never downloading. A hub
   * model not yet in the cache answers 409 naming the {@code download-model} job that fetches it (queued here if
   * none is).
   */
  public Lease acquire(long modelId) {
    return acquire(modelId, null);
  }

  /** Loads (or reuses) the model; with {@code progress} null nothing is downloaded (see {@link #acquire(long)}). */
  private Lease acquire(long modelId, DownloadProgress progress) {
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

  /**
   * Where a model's files are. Hub models come from the cache, or with {@code progress} are downloaded into it;
   * the server's token goes only to repositories on the allowlist.
   */
  private Path files(Model model, DownloadProgress progress) {
    return switch (model.getSource()) {
      case LLAMA2C, LOCAL_DIR -> Path.of(model.getPath());
      case HF_HUB -> {
        String repo = model.getHfRepoId();
        if (progress == null) {
          yield hub.cachedSnapshot(repo, model.getHfRevision()).orElseThrow(() -> notDownloaded(model));
        }
        HubClient client = policy.allows(repo) ? hub : hub.anonymous();
        yield client.snapshot(repo, model.getHfRevision(), progress);
      }
    };
  }

  private Conflict notDownloaded(Model model) {
    long job = downloads.ensureQueued(model.getId());
    return new Conflict("model " + model.getId() + "'s files (" + model.getHfRepoId() + " at revision '"
        + model.getHfRevision() + "') are not downloaded yet; job " + job + " is fetching them (GET /v1/jobs/" + job
        + "); retry when it has succeeded");
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
    } catch (HubException e) {
      throw forJob(e);
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

  /**
   * Hub failures another attempt cannot fix (unknown repository, no access, offline, corrupt, over the size limit,
   * the disk reserve reached: 507) fail the job at once; network and server errors stay retryable.
   */
  static RuntimeException forJob(HubException e) {
    if (e instanceof HubInsufficientStorageException) {
      return new JobFailedException(507, e.getMessage());
    }
    if (e instanceof HubNotFoundException || e instanceof HubUnauthorizedException || e instanceof HubOfflineException
        || e instanceof HubIntegrityException || e instanceof HubDownloadTooLargeException) {
      return new JobFailedException(e.getMessage());
    }
    return e;
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
