package io.snmfservice.steering;

/**
 * Progress callback of a steering run. A job handler reports it and may throw from here (e.g. a cancellation
 * checkpoint) to stop the run between steps.
 */
@FunctionalInterface
public interface SteeringProgress {

  SteeringProgress NONE = (stage, done, total) -> { };

  /** @param done steps finished out of {@code total} in the given stage */
  void step(String stage, int done, int total);
}
