package io.snmfservice.security;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code snmf.limits.*}: what one replica lets all callers together run in request threads and hold
 * open, so that a burst cannot take every core or connection (per-key limits are under {@code snmf.security.quota}).
 *
 * @param computeConcurrency forward passes and encodes running in request threads at once; 0: the number of cores
 * @param computeTimeout how long one such request may compute before it fails with 503 (checked between steps)
 * @param streamsPerKey server-sent-event streams one key may hold open
 * @param streamsPerReplica server-sent-event streams this replica holds open for everyone together
 * @param streamIdleTimeout a stream with nothing to send for this long is closed
 */
@Validated
@ConfigurationProperties("snmf.limits")
public record LimitsProperties(
    @DefaultValue("0") @Min(0) int computeConcurrency,
    @DefaultValue("30s") Duration computeTimeout,
    @DefaultValue("8") @Min(1) int streamsPerKey,
    @DefaultValue("256") @Min(1) int streamsPerReplica,
    @DefaultValue("10m") Duration streamIdleTimeout) {

  /** The replica's compute slots: the setting, or the number of cores when it is 0. */
  public int computeSlots() {
    return computeConcurrency > 0 ? computeConcurrency : Runtime.getRuntime().availableProcessors();
  }
}
