package io.snmfservice.transformer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a forward pass should read and change: hook points to capture (by TransformerLens name), steering
 * interventions, splices (replaced activations), and which logits to return. Immutable; build with the {@code with…} methods, e.g.
 * {@code HookSpec.logits(LogitsMode.NONE).withCapture("blocks.2.mlp.hook_post")}.
 *
 * <p>Captures of {@code mlp.hook_post} are taken after the interventions of that layer (the value that enters the
 * output projection).
 */
public record HookSpec(Set<String> captures, List<AddVector> interventions, LogitsMode logits,
    List<ReplaceActivation> replacements) {

  public HookSpec {
    for (String name : captures) {
      HookPoint.parse(name);
    }
    captures = Set.copyOf(new LinkedHashSet<>(captures));
    interventions = List.copyOf(interventions);
    replacements = List.copyOf(replacements);
  }

  public HookSpec(Set<String> captures, List<AddVector> interventions, LogitsMode logits) {
    this(captures, interventions, logits, List.of());
  }

  /** Logits of every position, nothing captured, nothing changed. */
  public static HookSpec none() {
    return new HookSpec(Set.of(), List.of(), LogitsMode.ALL);
  }

  /** Only the given logits. */
  public static HookSpec logits(LogitsMode mode) {
    return new HookSpec(Set.of(), List.of(), mode);
  }

  /** Adds hook points to capture. */
  public HookSpec withCapture(String... names) {
    Set<String> all = new LinkedHashSet<>(captures);
    all.addAll(List.of(names));
    return new HookSpec(all, interventions, logits, replacements);
  }

  /** Adds an intervention. */
  public HookSpec withIntervention(AddVector intervention) {
    List<AddVector> all = new ArrayList<>(interventions);
    all.add(intervention);
    return new HookSpec(captures, all, logits, replacements);
  }

  /** Adds a splice: the activation at a hook replaced by given values. */
  public HookSpec withReplacement(ReplaceActivation replacement) {
    List<ReplaceActivation> all = new ArrayList<>(replacements);
    all.add(replacement);
    return new HookSpec(captures, interventions, logits, all);
  }

  /** The same captures and interventions with other logits. */
  public HookSpec withLogits(LogitsMode mode) {
    return new HookSpec(captures, interventions, mode, replacements);
  }

  /** Deepest block a capture needs, or −1 when there are no captures. */
  int deepestCaptureLayer() {
    int deepest = -1;
    for (String name : captures) {
      deepest = Math.max(deepest, HookPoint.parse(name).layer());
    }
    return deepest;
  }
}
