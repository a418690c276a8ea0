package io.snmfservice.transformer;

/**
 * A batch of token sequences padded to one length. Row {@code b} holds its real tokens in the contiguous slots
 * {@code [start(b), start(b) + length(b))}; the other slots are padding (masked out of attention, their outputs
 * meaningless). Right padding puts every start at 0, left padding ends every row at the last slot.
 */
public final class TokenBatch {

  /** Filler id written into padding slots (never attended to). */
  public static final int PAD_ID = 0;

  private final int[][] tokens;
  private final int[] starts;
  private final int[] lengths;

  private TokenBatch(int[][] tokens, int[] starts, int[] lengths) {
    this.tokens = tokens;
    this.starts = starts;
    this.lengths = lengths;
    for (int b = 0; b < tokens.length; b++) {
      if (tokens[b].length != tokens[0].length) {
        throw new IllegalArgumentException("rows of a padded batch must have equal length");
      }
      if (lengths[b] < 1 || starts[b] < 0 || starts[b] + lengths[b] > tokens[b].length) {
        throw new IllegalArgumentException("row " + b + ": real span [" + starts[b] + ", " + (starts[b] + lengths[b])
            + ") does not fit " + tokens[b].length + " slots");
      }
    }
  }

  /** One unpadded sequence. */
  public static TokenBatch single(int... sequence) {
    return rightPadded(new int[][] {sequence});
  }

  /** Sequences of different lengths, padded at the end. */
  public static TokenBatch rightPadded(int[]... sequences) {
    return pad(sequences, false);
  }

  /** Sequences of different lengths, padded at the front (so all rows end together, as for generation). */
  public static TokenBatch leftPadded(int[]... sequences) {
    return pad(sequences, true);
  }

  /**
   * An already padded batch: {@code tokens[b]} holds {@code lengths[b]} real tokens, after the padding when
   * {@code leftPadding} is true, before it otherwise.
   */
  public static TokenBatch padded(int[][] tokens, int[] lengths, boolean leftPadding) {
    int[] starts = new int[tokens.length];
    int[][] copy = new int[tokens.length][];
    for (int b = 0; b < tokens.length; b++) {
      copy[b] = tokens[b].clone();
      starts[b] = leftPadding ? tokens[b].length - lengths[b] : 0;
    }
    return new TokenBatch(copy, starts, lengths.clone());
  }

  private static TokenBatch pad(int[][] sequences, boolean left) {
    int width = 0;
    for (int[] s : sequences) {
      width = Math.max(width, s.length);
    }
    int[][] tokens = new int[sequences.length][width];
    int[] starts = new int[sequences.length];
    int[] lengths = new int[sequences.length];
    for (int b = 0; b < sequences.length; b++) {
      int[] s = sequences[b];
      starts[b] = left ? width - s.length : 0;
      lengths[b] = s.length;
      java.util.Arrays.fill(tokens[b], PAD_ID);
      System.arraycopy(s, 0, tokens[b], starts[b], s.length);
    }
    return new TokenBatch(tokens, starts, lengths);
  }

  public int size() {
    return tokens.length;
  }

  /** Slots per row. */
  public int width() {
    return tokens[0].length;
  }

  public int token(int b, int slot) {
    return tokens[b][slot];
  }

  public int start(int b) {
    return starts[b];
  }

  public int length(int b) {
    return lengths[b];
  }

  /** Whether a slot holds a real token. */
  public boolean isReal(int b, int slot) {
    return slot >= starts[b] && slot < starts[b] + lengths[b];
  }

  /** Slot of row b's last real token. */
  public int lastSlot(int b) {
    return starts[b] + lengths[b] - 1;
  }
}
