package io.snmfservice.compute;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints an unusable {@code snmf.device} as one clear startup failure instead of a bean-creation stack trace. */
class DeviceFailureAnalyzer extends AbstractFailureAnalyzer<DeviceUnavailableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, DeviceUnavailableException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Set snmf.device (SNMF_DEVICE) to auto, cpu, cuda or cuda:N for a device this machine has; "
            + "run scripts/gpu-check.sh to check a GPU node.", cause);
  }
}
