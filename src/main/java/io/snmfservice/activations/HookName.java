package io.snmfservice.activations;

import java.util.Set;

/** The hook points whose activations can be recorded, named as in TransformerLens without the block prefix. */
public final class HookName {

  public static final String MLP_POST = "mlp.hook_post";
  public static final String RESID_POST = "hook_resid_post";
  public static final Set<String> SUPPORTED = Set.of(MLP_POST, RESID_POST);

  private HookName() {}

  /** {@code blocks.{layer}.{hook}}. */
  public static String at(int layer, String hook) {
    return "blocks." + layer + "." + hook;
  }
}
