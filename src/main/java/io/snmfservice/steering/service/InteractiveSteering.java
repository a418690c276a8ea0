package io.snmfservice.steering.service;

import io.snmfservice.errors.Invalid;
import io.snmfservice.models.Model;
import io.snmfservice.models.ModelRuntime;
import io.snmfservice.models.ModelService;
import io.snmfservice.steering.AlphaResult;
import io.snmfservice.steering.AlphaSearch;
import io.snmfservice.steering.BasePrompts;
import io.snmfservice.steering.LogitShift;
import io.snmfservice.steering.SteeringProbe;
import io.snmfservice.steering.SteeringRunner;
import io.snmfservice.steering.SteeringSign;
import io.snmfservice.steering.SteeringVector;
import io.snmfservice.transformer.SamplingConfig;
import io.snmfservice.security.CallerPermits;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * One synchronous steered generation in the request thread (POST /v1/steer and the dashboard's playground),
 * bounded in prompt and new tokens and in how many run at once.
 */
@Service
public class InteractiveSteering {

  private static final int MAX_PROMPT_TOKENS = 256;
  private static final SamplingConfig SAMPLING = SamplingConfig.sample(1f, 30, 0.3f);

  private final SteeringService steering;
  private final ModelService models;
  private final ModelRuntime runtime;
  /** Per key and per replica, so a burst cannot take every core. */
  private final CallerPermits callerPermits;

  public InteractiveSteering(SteeringService steering, ModelService models, ModelRuntime runtime,
      CallerPermits callerPermits) {
    this.callerPermits = callerPermits;
    this.steering = steering;
    this.models = models;
    this.runtime = runtime;
  }

  /** The answer of POST /v1/steer. */
  public record SteerResponse(double alpha, double kl, List<Shift> rising, List<Shift> falling, int[] tokens,
      String text) {}

  /** A token whose logit moved, shaped as in stored steering outcomes. */
  public record Shift(int tokenId, String token, double delta) {
    static List<Shift> of(List<LogitShift.TokenShift> shifts) {
      return shifts.stream().map(s -> new Shift(s.tokenId(), s.text(), s.delta())).toList();
    }
  }

  /** The playground's answer: the steered continuation beside the unsteered one from the same seed. */
  public record Comparison(SteerResponse steered, String unsteeredText, Double klTarget) {}

  public SteerResponse steer(SteerRequest r) {
    return run(r, null, false).steered();
  }

  /**
   * Steered and unsteered continuations side by side; with {@code klTarget} the α (of {@code r}'s sign) is first
   * searched so that the KL at the prompt's last token hits the target, as steering jobs do.
   */
  public Comparison compare(SteerRequest r, Double klTarget) {
    if (klTarget != null && !(klTarget > 0 && klTarget <= 10)) {
      throw Invalid.value("KL target must be in (0, 10]");
    }
    return run(r, klTarget, true);
  }

  private Comparison run(SteerRequest r, Double klTarget, boolean withUnsteered) {
    Model model = models.get(r.modelId());
    int given = (r.featureId() == null ? 0 : 1) + (r.vector() == null ? 0 : 1) + (r.member() == null ? 0 : 1);
    if (given != 1) {
      throw Invalid.malformed("give exactly one of featureId, member and vector");
    }
    SteeringTarget target = r.featureId() != null
        ? steering.feature(model, r.layer(), r.featureId())
        : r.member() != null ? steering.member(model, r.member())
        : steering.targets(model, r.layer(), null, List.of(r.vector())).get(0);
    if (!Double.isFinite(r.alpha()) || Math.abs(r.alpha()) > 1e6) {
      throw Invalid.value("alpha", "alpha must be finite with |alpha| <= 1e6");
    }
    try (CallerPermits.Compute permit = callerPermits.acquireCompute("steering");
        ModelRuntime.Lease lease = runtime.acquire(model.getId())) {
      permit.checkTime();
      int promptTokens = lease.get().tokenizer().encode(r.prompt()).length;
      if (promptTokens > MAX_PROMPT_TOKENS) {
        throw Invalid.tooLarge("prompt has " + promptTokens + " tokens, more than " + MAX_PROMPT_TOKENS);
      }
      SteeringRunner runner = new SteeringRunner(lease.get().transformer(), lease.get().tokenizer());
      SteeringVector vector = SteeringVector.normalized(target.layer(), target.hook(), target.vector());
      double alpha = r.alpha();
      if (klTarget != null) {
        alpha = searchAlpha(lease.get(), vector, r.prompt(), alpha < 0 ? SteeringSign.NEGATIVE : SteeringSign.POSITIVE,
            klTarget);
        permit.checkTime();
      }
      int newTokens = r.newTokens() == null ? 20 : r.newTokens();
      long seed = r.seed() == null ? 0L : r.seed();
      SteeringRunner.SingleSteer s = runner.steerOnce(vector, r.prompt(), alpha, newTokens, SAMPLING, seed, 10);
      permit.checkTime();
      String unsteered = withUnsteered
          ? runner.steerOnce(vector, r.prompt(), 0, newTokens, SAMPLING, seed, 1).text() : null;
      return new Comparison(new SteerResponse(s.signedAlpha(), s.kl(), Shift.of(s.shifts().rising()),
          Shift.of(s.shifts().falling()), s.tokens(), s.text()), unsteered, klTarget);
    } catch (IllegalArgumentException e) {
      throw Invalid.value(e.getMessage());
    }
  }

  private static double searchAlpha(io.snmfservice.models.LoadedModel model, SteeringVector vector, String prompt,
      SteeringSign sign, double klTarget) {
    int[] ids = BasePrompts.encode(model.tokenizer(), model.transformer().config().bosId(), List.of(prompt)).get(0);
    SteeringProbe probe = new SteeringProbe(model.transformer(), vector, List.of(ids));
    AlphaResult found = new AlphaSearch(AlphaSearch.Settings.defaults()).search(probe, sign, List.of(klTarget)).get(0);
    return sign.factor() * found.alpha();
  }
}
