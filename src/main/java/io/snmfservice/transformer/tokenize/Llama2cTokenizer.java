package io.snmfservice.transformer.tokenize;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SentencePiece BPE of llama2.c's {@code tokenizer.bin}, encoding and decoding exactly as its
 * {@code run.c} does.
 *
 * <p>File format (little-endian): {@code int32 max_token_length}, then per token {@code float32 score,
 * int32 length, bytes}; the number of tokens is what the file holds. Ids 0, 1, 2 are unknown, BOS, EOS; pieces
 * {@code <0xNN>} are the byte-fallback tokens.
 *
 * <p>Encoding: a dummy-prefix space token, then each UTF-8 character as its own token (or its bytes as
 * byte-fallback ids {@code byte + 3} when the character is not in the vocabulary), then repeatedly the adjacent
 * pair whose concatenation is in the vocabulary with the highest score is merged (the leftmost one on ties)
 * until no pair merges. run.c rescans all pairs for every merge; here a priority queue of candidate pairs
 * gives the same merges in O(n log n).
 */
public final class Llama2cTokenizer implements TextTokenizer {

  private static final Pattern BYTE_PIECE = Pattern.compile("<0x([0-9A-Fa-f]{2})>");
  private static final float NO_MERGE = -1e10f;

  private final byte[][] pieces;
  private final float[] scores;
  /** piece bytes (as a Latin-1 string, one char per byte) to the lowest id with that piece */
  private final Map<String, Integer> ids;
  private final int[] byteOfPiece;

  Llama2cTokenizer(byte[][] pieces, float[] scores) {
    this.pieces = pieces;
    this.scores = scores;
    this.ids = new HashMap<>(pieces.length * 2);
    this.byteOfPiece = new int[pieces.length];
    for (int id = 0; id < pieces.length; id++) {
      String key = key(pieces[id]);
      ids.putIfAbsent(key, id);
      Matcher m = BYTE_PIECE.matcher(key);
      byteOfPiece[id] = m.matches() ? Integer.parseInt(m.group(1), 16) : -1;
    }
  }

  /** Reads a {@code tokenizer.bin}. */
  public static Llama2cTokenizer read(Path file) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int maxTokenLength = buffer.getInt();
      List<byte[]> pieces = new ArrayList<>();
      List<Float> scores = new ArrayList<>();
      while (buffer.hasRemaining()) {
        float score = buffer.getFloat();
        int length = buffer.getInt();
        if (length < 0 || length > maxTokenLength || length > buffer.remaining()) {
          throw new IOException(file + ": token " + pieces.size() + " has length " + length
              + " (max_token_length " + maxTokenLength + ")");
        }
        byte[] piece = new byte[length];
        buffer.get(piece);
        pieces.add(piece);
        scores.add(score);
      }
      float[] scoreArray = new float[scores.size()];
      for (int i = 0; i < scoreArray.length; i++) {
        scoreArray[i] = scores.get(i);
      }
      if (pieces.size() < 3) {
        throw new IOException(file + " holds " + pieces.size() + " tokens: not a llama2.c tokenizer.bin");
      }
      return new Llama2cTokenizer(pieces.toArray(new byte[0][]), scoreArray);
    } catch (BufferUnderflowException e) {
      throw new IOException(file + " ends in the middle of a token: not a llama2.c tokenizer.bin", e);
    }
  }

  @Override
  public int[] encode(String text) {
    if (text.isEmpty()) {
      return new int[0];
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    int[] initial = new int[utf8.length + 1];
    int n = 0;
    initial[n++] = ids.getOrDefault(" ", TokenIdTokenizer.FIRST_BYTE + ' ');
    int start = 0;
    while (start < utf8.length) {
      int end = start + 1;
      while (end < utf8.length && end - start < 4 && (utf8[end] & 0xC0) == 0x80) {
        end++;
      }
      Integer id = ids.get(new String(utf8, start, end - start, StandardCharsets.ISO_8859_1));
      if (id != null) {
        initial[n++] = id;
      } else {
        for (int i = start; i < end; i++) {
          initial[n++] = (utf8[i] & 0xFF) + TokenIdTokenizer.FIRST_BYTE;
        }
      }
      start = end;
    }
    return merge(initial, n);
  }

  /** Greedy highest-score pair merging over a linked list of tokens. */
  private int[] merge(int[] initial, int n) {
    int[] token = Arrays.copyOf(initial, n);
    int[] next = new int[n];
    int[] prev = new int[n];
    int[] version = new int[n];
    boolean[] alive = new boolean[n];
    for (int i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      alive[i] = true;
    }
    PriorityQueue<Candidate> queue = new PriorityQueue<>();
    for (int i = 0; i + 1 < n; i++) {
      offer(queue, token, version, i, i + 1);
    }
    int remaining = n;
    while (!queue.isEmpty()) {
      Candidate c = queue.poll();
      if (!alive[c.left] || !alive[c.right] || next[c.left] != c.right
          || version[c.left] != c.leftVersion || version[c.right] != c.rightVersion) {
        continue;
      }
      token[c.left] = c.merged;
      version[c.left]++;
      alive[c.right] = false;
      next[c.left] = next[c.right];
      if (next[c.right] >= 0) {
        prev[next[c.right]] = c.left;
      }
      remaining--;
      if (prev[c.left] >= 0) {
        offer(queue, token, version, prev[c.left], c.left);
      }
      if (next[c.left] >= 0) {
        offer(queue, token, version, c.left, next[c.left]);
      }
    }
    int[] result = new int[remaining];
    int k = 0;
    for (int i = 0; i >= 0 && i < n; i = next[i]) {
      result[k++] = token[i];
    }
    return result;
  }

  private void offer(PriorityQueue<Candidate> queue, int[] token, int[] version, int left, int right) {
    Integer merged = ids.get(key(pieces[token[left]]) + key(pieces[token[right]]));
    if (merged != null && scores[merged] > NO_MERGE) {
      queue.add(new Candidate(scores[merged], left, right, merged, version[left], version[right]));
    }
  }

  /** Highest score first, then the leftmost pair, as run.c's scan picks it. */
  private record Candidate(float score, int left, int right, int merged, int leftVersion, int rightVersion)
      implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      int byScore = Float.compare(o.score, score);
      return byScore != 0 ? byScore : Integer.compare(left, o.left);
    }
  }

  /**
   * run.c's decoding: {@code <0xNN>} pieces are raw bytes, and a piece's leading space is dropped after BOS
   * (here also at the start of the sequence, like SentencePiece). BOS and EOS themselves produce no text.
   */
  @Override
  public String decode(int[] ids) {
    Utf8Text.Bytes bytes = new Utf8Text.Bytes();
    int previous = TokenIdTokenizer.BOS;
    for (int id : ids) {
      checkId(id);
      if (id == TokenIdTokenizer.BOS || id == TokenIdTokenizer.EOS) {
        previous = id;
        continue;
      }
      if (byteOfPiece[id] >= 0) {
        bytes.add(byteOfPiece[id]);
      } else {
        byte[] piece = pieces[id];
        int from = previous == TokenIdTokenizer.BOS && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
        bytes.add(Arrays.copyOfRange(piece, from, piece.length));
      }
      previous = id;
    }
    return bytes.text();
  }

  /** The piece as text; byte-fallback pieces stay {@code <0xNN>}. */
  @Override
  public String tokenText(int id) {
    checkId(id);
    return Utf8Text.decode(pieces[id]);
  }

  @Override
  public int vocabSize() {
    return pieces.length;
  }

  @Override
  public OptionalInt bosId() {
    return OptionalInt.of(TokenIdTokenizer.BOS);
  }

  @Override
  public OptionalInt eosId() {
    return OptionalInt.of(TokenIdTokenizer.EOS);
  }

  private static String key(byte[] piece) {
    return new String(piece, StandardCharsets.ISO_8859_1);
  }
}
