package io.snmfservice.activations;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.jobs.JobService;
import io.snmfservice.jobs.JobView;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/v1/activations")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class ActivationController {

  private final ActivationSetService sets;
  private final ActivationSetDeletion deletion;
  private final JobService jobs;
  private final ShardedCollection sharded;
  private final JsonMapper json;

  ActivationController(ActivationSetService sets, ActivationSetDeletion deletion, JobService jobs,
      ShardedCollection sharded, JsonMapper json) {
    this.sharded = sharded;
    this.deletion = deletion;
    this.sets = sets;
    this.jobs = jobs;
    this.json = json;
  }

  /**
   * Starts a {@code collect} job; 202 with the job. Split into shards, the job waits for its {@code collect-shard}
   * children (its view sums up their progress) and then assembles their files into the sets.
   */
  @PostMapping
  ResponseEntity<JobView> collect(@Valid @RequestBody CollectRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    CollectionSettings s = CollectionSettings.of(request);
    sets.validate(s.modelId(), s.datasetId(), s.layers(), s.hook());
    int shards = s.shards() != null ? s.shards() : jobs.liveWorkers();
    List<Integer> missing = sets.missingLayers(s.modelId(), s.datasetId(), s.layers(), s.hook(), s.contextLength());
    if (shards <= 1 || missing.isEmpty()) {
      return JobView.accepted(jobs.submit(CollectJobHandler.TYPE, s.toJson(json), 0, idempotencyKey));
    }
    return JobView.accepted(jobs.submitWithChildren(CollectJobHandler.TYPE, s.toJson(json), 0, idempotencyKey,
        ShardedCollection.shardType(), sharded.shardParams(s.modelId(), s.datasetId(), missing, s.hook(),
            s.contextLength(), s.batchSize(), shards), 0.99));
  }

  @GetMapping
  List<ActivationSetView> list(@RequestParam(required = false) Long modelId,
      @RequestParam(required = false) Long datasetId) {
    return sets.list(modelId, datasetId).stream().map(ActivationSetView::of).toList();
  }

  @GetMapping("/{id}")
  ActivationSetView get(@PathVariable long id) {
    return ActivationSetView.of(sets.get(id));
  }

  /** Deletes the set and its files; 409 while a factorization or a queued or running job needs it. */
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    deletion.delete(id);
    return ResponseEntity.noContent().build();
  }
}
