package io.snmfservice.steering.service;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.jobs.JobView;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.models.ModelService;
import io.snmfservice.models.Model;
import io.snmfservice.steering.LogitShift;
import io.snmfservice.steering.SteeringRunner;
import io.snmfservice.steering.SteeringVector;
import io.snmfservice.transformer.SamplingConfig;
import io.snmfservice.web.ApiException;
import jakarta.validation.Valid;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class SteeringController {

  /** Interactive steering runs in the request thread; this many at once, the rest get 429. */
  static final int CONCURRENT_STEERS = 2;
  private static final int MAX_PROMPT_TOKENS = 256;

  private final SteeringService steering;
  private final SteeringStore store;
  private final ModelService models;
  private final ModelRuntime runtime;
  private final Semaphore interactive = new Semaphore(CONCURRENT_STEERS);

  SteeringController(SteeringService steering, SteeringStore store, ModelService models, ModelRuntime runtime) {
    this.steering = steering;
    this.store = store;
    this.models = models;
    this.runtime = runtime;
  }

  /** Starts a {@code steer} job; 202 with the job. */
  @PostMapping("/v1/steering")
  ResponseEntity<JobView> create(@Valid @RequestBody SteeringRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    return JobView.accepted(steering.submit(request, idempotencyKey));
  }

  @GetMapping("/v1/steering")
  List<JsonNode> list(@RequestParam(required = false) Long modelId, @RequestParam(required = false) Long featureId) {
    return store.runs(modelId, featureId);
  }

  @GetMapping("/v1/steering/{id}")
  JsonNode get(@PathVariable long id) {
    return store.run(id);
  }

  @GetMapping("/v1/features/{id}/causal-scores")
  JsonNode causalScores(@PathVariable long id) {
    return store.causalScores(id);
  }

  /** One synchronous steered generation, bounded in tokens and in concurrency. */
  @PostMapping("/v1/steer")
  SteerResponse steer(@Valid @RequestBody SteerRequest r) throws InterruptedException {
    Model model = models.get(r.modelId());
    int given = (r.featureId() == null ? 0 : 1) + (r.vector() == null ? 0 : 1) + (r.member() == null ? 0 : 1);
    if (given != 1) {
      throw ApiException.badRequest("give exactly one of featureId, member and vector");
    }
    SteeringTarget target = r.featureId() != null
        ? steering.feature(model, r.layer(), r.featureId())
        : r.member() != null ? steering.member(model, r.member())
        : steering.targets(model, r.layer(), null, List.of(r.vector())).get(0);
    if (!Double.isFinite(r.alpha()) || Math.abs(r.alpha()) > 1e6) {
      throw ApiException.unprocessable("alpha must be finite with |alpha| <= 1e6");
    }
    if (!interactive.tryAcquire(2, TimeUnit.SECONDS)) {
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS,
          CONCURRENT_STEERS + " interactive steering requests are running; retry shortly or use POST /v1/steering");
    }
    try (ModelRuntime.Lease lease = runtime.acquire(model.getId(), (f, d, t) -> { })) {
      int promptTokens = lease.get().tokenizer().encode(r.prompt()).length;
      if (promptTokens > MAX_PROMPT_TOKENS) {
        throw ApiException.tooLarge("prompt has " + promptTokens + " tokens, more than " + MAX_PROMPT_TOKENS);
      }
      SteeringRunner runner = new SteeringRunner(lease.get().transformer(), lease.get().tokenizer());
      SteeringRunner.SingleSteer s = runner.steerOnce(SteeringVector.normalized(target.layer(), target.hook(), target.vector()),
          r.prompt(), r.alpha(), r.newTokens() == null ? 20 : r.newTokens(), SamplingConfig.sample(1f, 30, 0.3f),
          r.seed() == null ? 0L : r.seed(), 10);
      return new SteerResponse(s.signedAlpha(), s.kl(), Shift.of(s.shifts().rising()), Shift.of(s.shifts().falling()),
          s.tokens(), s.text());
    } catch (IllegalArgumentException e) {
      throw ApiException.unprocessable(e.getMessage());
    } finally {
      interactive.release();
    }
  }

  record SteerResponse(double alpha, double kl, List<Shift> rising, List<Shift> falling, int[] tokens, String text) {}

  /** A token whose logit moved, shaped as in stored steering outcomes. */
  record Shift(int tokenId, String token, double delta) {
    static List<Shift> of(List<LogitShift.TokenShift> shifts) {
      return shifts.stream().map(s -> new Shift(s.tokenId(), s.text(), s.delta())).toList();
    }
  }
}
