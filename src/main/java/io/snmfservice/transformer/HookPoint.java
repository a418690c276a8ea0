package io.snmfservice.transformer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named place in the forward pass whose activation can be read, in TransformerLens naming:
 * {@code blocks.{L}.hook_resid_pre} (block input), {@code blocks.{L}.mlp.hook_post} (MLP activation after the
 * nonlinearity, width d_mlp) and {@code blocks.{L}.hook_resid_post} (block output), all of width d_model except
 * hook_post.
 */
public record HookPoint(int layer, Kind kind) {

  /** Which activation of the block. */
  public enum Kind {
    RESID_PRE("hook_resid_pre"),
    MLP_POST("mlp.hook_post"),
    RESID_POST("hook_resid_post");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  private static final Pattern NAME = Pattern.compile("blocks\\.(\\d+)\\.(hook_resid_pre|mlp\\.hook_post|hook_resid_post)");

  /** Parses a TransformerLens hook name such as {@code blocks.2.mlp.hook_post}. */
  public static HookPoint parse(String name) {
    Matcher matcher = NAME.matcher(name);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("unknown hook point '" + name
          + "' (supported: blocks.L.hook_resid_pre, blocks.L.mlp.hook_post, blocks.L.hook_resid_post)");
    }
    int layer = Integer.parseInt(matcher.group(1));
    for (Kind kind : Kind.values()) {
      if (kind.suffix.equals(matcher.group(2))) {
        return new HookPoint(layer, kind);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** {@code blocks.{layer}.mlp.hook_post}. */
  public static String mlpPost(int layer) {
    return "blocks." + layer + ".mlp.hook_post";
  }

  /** {@code blocks.{layer}.hook_resid_post}. */
  public static String residPost(int layer) {
    return "blocks." + layer + ".hook_resid_post";
  }

  /** {@code blocks.{layer}.hook_resid_pre}. */
  public static String residPre(int layer) {
    return "blocks." + layer + ".hook_resid_pre";
  }

  /** The TransformerLens name of this hook point. */
  public String name() {
    return "blocks." + layer + "." + kind.suffix;
  }
}
