package io.snmfservice.steering;

import java.util.List;

/**
 * Everything a steering run measured for one vector.
 *
 * @param layer steered layer
 * @param prompts base prompts as given
 * @param unsteeredGenerations baseline samples (same seeds as the steered ones)
 * @param outcomes one per (target, sign), signs outer, targets inner, in the settings' order
 */
public record SteeringReport(int layer, List<String> prompts, List<Generation> unsteeredGenerations,
    List<SteeringOutcome> outcomes) {}
