package io.snmfservice.transformer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named place in the forward pass whose activation can be read, in TransformerLens naming:
 * {@code blocks.{L}.hook_resid_pre} (block input), {@code blocks.{L}.mlp.hook_post} (MLP activation after the
 * nonlinearity, width d_mlp), {@code blocks.{L}.hook_mlp_out} (what the MLP adds to the residual stream: the output
 * projection, plus Gemma-2's post-MLP norm) and {@code blocks.{L}.hook_resid_post} (block output), all of width
 * d_model except hook_post.
 */
public record HookPoint(int layer, Kind kind) {

  /** Which activation of the block. */
  public enum Kind {
    RESID_PRE("hook_resid_pre"),
    MLP_POST("mlp.hook_post"),
    MLP_OUT("hook_mlp_out"),
    RESID_POST("hook_resid_post");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    /** The name after {@code blocks.{L}.}, e.g. {@code mlp.hook_post}. */
    public String suffix() {
      return suffix;
    }

    /** The kind whose suffix this is, or null. */
    public static Kind ofSuffix(String suffix) {
      for (Kind kind : values()) {
        if (kind.suffix.equals(suffix)) {
          return kind;
        }
      }
      return null;
    }
  }

  private static final Pattern NAME = Pattern.compile("blocks\\.(\\d+)\\.(hook_resid_pre|mlp\\.hook_post|hook_mlp_out|hook_resid_post)");

  /** Parses a TransformerLens hook name such as {@code blocks.2.mlp.hook_post}. */
  public static HookPoint parse(String name) {
    Matcher matcher = NAME.matcher(name);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("unknown hook point '" + name
          + "' (supported: blocks.L.hook_resid_pre, blocks.L.mlp.hook_post, blocks.L.hook_mlp_out, blocks.L.hook_resid_post)");
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

  /** {@code blocks.{layer}.hook_mlp_out}. */
  public static String mlpOut(int layer) {
    return "blocks." + layer + ".hook_mlp_out";
  }

  /** {@code blocks.{layer}.hook_resid_pre}. */
  public static String residPre(int layer) {
    return "blocks." + layer + ".hook_resid_pre";
  }

  /** Width of the activation at this kind of hook: d_mlp for hook_post, d_model otherwise. */
  public static int width(Kind kind, TransformerConfig config) {
    return kind == Kind.MLP_POST ? config.dMlp() : config.dModel();
  }

  /** Whether directions at this kind live in the residual stream (d_model) rather than MLP space. */
  public static boolean residual(Kind kind) {
    return kind != Kind.MLP_POST;
  }

  /** The TransformerLens name of this hook point. */
  public String name() {
    return "blocks." + layer + "." + kind.suffix;
  }
}
