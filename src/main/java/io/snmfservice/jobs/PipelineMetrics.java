package io.snmfservice.jobs;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** Metrics of the pipeline stages: SNMF iteration time and loss, activation collection throughput. */
@Component
public class PipelineMetrics {

  private final Timer iteration;
  private final AtomicLong lastLossBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
  private final DistributionSummary tokensPerSecond;

  public PipelineMetrics(MeterRegistry registry) {
    this.iteration = Timer.builder("snmf.factorization.iteration")
        .description("wall time of one SNMF iteration").register(registry);
    Gauge.builder("snmf.factorization.loss", lastLossBits, bits -> Double.longBitsToDouble(bits.get()))
        .description("squared Frobenius loss of the latest SNMF iteration").register(registry);
    this.tokensPerSecond = DistributionSummary.builder("snmf.collect.tokens.per.second")
        .description("throughput of activation collection runs").register(registry);
  }

  public void iteration(Duration took, double loss) {
    iteration.record(took);
    lastLossBits.set(Double.doubleToLongBits(loss));
  }

  public void collected(double tokensPerSecondValue) {
    tokensPerSecond.record(tokensPerSecondValue);
  }
}
