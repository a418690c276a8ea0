package io.snmfservice.datasets;

import io.snmfservice.config.SnmfProperties;
import io.snmfservice.errors.Conflict;
import io.snmfservice.errors.Invalid;
import io.snmfservice.errors.NotFound;
import io.snmfservice.jobs.Job;
import io.snmfservice.jobs.JobService;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelService;
import io.snmfservice.security.Caller;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Creates datasets from uploads (all documents in one transaction), lists, pages and deletes them. */
@Service
public class DatasetService {

  private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

  private final DatasetRepository datasets;
  private final DocumentStore documents;
  private final ModelService models;
  private final DocumentParser parser;
  private final int maxDocuments;
  private final JobService jobs;
  private final JsonMapper json;

  public DatasetService(
      DatasetRepository datasets,
      DocumentStore documents,
      ModelService models,
      JobService jobs,
      JsonMapper json,
      SnmfProperties properties) {
    this.jobs = jobs;
    this.json = json;
    this.datasets = datasets;
    this.documents = documents;
    this.models = models;
    this.parser = new DocumentParser(json);
    this.maxDocuments = properties.limits().maxDocuments();
  }

  /** Parses and stores a dataset given in a request body. */
  @Transactional
  public Dataset create(CreateDatasetRequest r) {
    List<Document> docs =
        switch (r.kind()) {
          case "text" -> {
            requireOne(r.content() != null, r.texts() != null, "text", "content", "texts");
            forbid(r.tokens() != null, "tokens", "text");
            yield r.texts() != null ? parser.texts(r.texts()) : parser.textLines(r.content());
          }
          case "jsonl" -> {
            requireOne(r.content() != null, false, "jsonl", "content", null);
            forbid(r.texts() != null, "texts", "jsonl");
            forbid(r.tokens() != null, "tokens", "jsonl");
            yield parser.jsonlTexts(r.content());
          }
          case "tokens" -> {
            requireOne(r.tokens() != null, r.content() != null, "tokens", "tokens", "content");
            forbid(r.texts() != null, "texts", "tokens");
            yield r.tokens() != null ? parser.tokens(r.tokens()) : parser.jsonlTokens(r.content());
          }
          default -> throw Invalid.value("kind", "kind must be one of text, jsonl, tokens, model-samples");
        };
    if (r.count() != null || r.length() != null || r.seed() != null) {
      throw Invalid.value("count, length and seed are only used for kind 'model-samples'");
    }
    return store(r.name(), r.kind(), r.modelId(), docs);
  }

  /** Validates a {@code model-samples} request and queues the job that samples it. */
  public Job submitSampling(CreateDatasetRequest r, String idempotencyKey) {
    if (r.modelId() == null || r.count() == null || r.length() == null) {
      throw Invalid.malformed("modelId, count and length are required for kind 'model-samples'");
    }
    forbid(r.content() != null || r.texts() != null || r.tokens() != null, "content/texts/tokens", "model-samples");
    models.get(r.modelId());
    if (idempotencyKey == null || jobs.findByIdempotencyKey(idempotencyKey).isEmpty()) {
      requireNameFree(r.name());
    }
    return jobs.submit(SampleDatasetJobHandler.TYPE, SamplingSettings.of(r).toJson(json), 0, idempotencyKey);
  }

  /** Parses and stores an uploaded file in one of the same formats. */
  @Transactional
  public Dataset upload(String name, String kind, Long modelId, String content) {
    List<Document> docs =
        switch (kind) {
          case "text" -> parser.textLines(content);
          case "jsonl" -> parser.jsonlTexts(content);
          case "tokens" -> parser.jsonlTokens(content);
          default -> throw Invalid.value("kind", "kind must be one of text, jsonl, tokens");
        };
    return store(name, kind, modelId, docs);
  }

  /** Stores a dataset whose documents were produced by the service itself (e.g. model samples). */
  @Transactional
  public Dataset storeGenerated(String name, DatasetKind kind, Long modelId, List<Document> docs, Long createdBy) {
    return save(name, kind, modelId, docs, createdBy);
  }

  public Dataset get(long id) {
    return datasets.findById(id).orElseThrow(() -> new NotFound("dataset", id));
  }

  public Page<Dataset> list(int page, int size) {
    return datasets.findAll(PageRequest.of(page, size, Sort.by("id")));
  }

  public List<Document> documents(long id, int offset, int limit) {
    get(id);
    return documents.page(id, offset, limit);
  }

  public List<Document> allDocuments(long id) {
    return documents.all(id);
  }

  public void requireNameFree(String name) {
    if (datasets.existsByName(name)) {
      throw new Conflict("a dataset named '" + name + "' already exists");
    }
  }

  @Transactional
  public void delete(long id) {
    Dataset dataset = get(id);
    long uses = documents.usesOf(id);
    if (uses > 0) {
      throw new Conflict(
          "dataset " + id + " is used by " + uses + " activation set(s) or factorization(s); delete them first");
    }
    datasets.delete(dataset);
    log.info("Deleted dataset {} '{}'", id, dataset.getName());
  }

  private Dataset store(String name, String kind, Long modelId, List<Document> docs) {
    if (docs.isEmpty()) {
      throw Invalid.value("the dataset has no documents");
    }
    if (docs.size() > maxDocuments) {
      throw Invalid.tooLarge(
          "the dataset has " + docs.size() + " documents, more than the limit of " + maxDocuments);
    }
    DatasetKind stored = kind.equals("tokens") ? DatasetKind.TOKENS : DatasetKind.TEXT;
    if (modelId != null && stored == DatasetKind.TOKENS) {
      checkVocabulary(models.get(modelId), docs);
    } else if (modelId != null) {
      models.get(modelId);
    }
    return save(name, stored, modelId, docs, Caller.currentKeyId());
  }

  private Dataset save(String name, DatasetKind kind, Long modelId, List<Document> docs, Long createdBy) {
    requireNameFree(name);
    Long tokenCount =
        kind == DatasetKind.TEXT ? null : docs.stream().mapToLong(d -> d.tokenIds().length).sum();
    Dataset created = new Dataset(name, kind, modelId, docs.size(), tokenCount);
    created.setCreatedBy(createdBy);
    Dataset dataset = datasets.saveAndFlush(created);
    documents.insert(dataset.getId(), docs);
    log.info("Created dataset {} '{}': {} documents, kind {}", dataset.getId(), name, docs.size(), kind);
    return dataset;
  }

  private static void checkVocabulary(Model model, List<Document> docs) {
    Integer vocab = model.getVocabSize();
    if (vocab == null) {
      return;
    }
    for (Document d : docs) {
      for (int id : d.tokenIds()) {
        if (id >= vocab) {
          throw Invalid.value(
              "document " + d.ordinal() + " has token id " + id + ", outside the vocabulary of model "
                  + model.getId() + " (size " + vocab + ")");
        }
      }
    }
  }

  private static void requireOne(boolean first, boolean second, String kind, String a, String b) {
    if (first && second) {
      throw Invalid.value("give either " + a + " or " + b + " for kind '" + kind + "', not both");
    }
    if (!first && !second) {
      throw Invalid.malformed(
          (b == null ? a : a + " or " + b) + " is required for kind '" + kind + "'");
    }
  }

  private static void forbid(boolean present, String field, String kind) {
    if (present) {
      throw Invalid.value(field + " is not used for kind '" + kind + "'");
    }
  }
}
