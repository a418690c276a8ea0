package io.snmfservice.transformer.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cTokenizerTest {

  @TempDir
  Path dir;

  /** piece → score, in id order after the 3 control and 256 byte tokens. */
  private final Map<String, Float> words = new LinkedHashMap<>();
  private List<String> vocab;
  private List<Float> scores;
  private Llama2cTokenizer tokenizer;

  @BeforeEach
  void writeTinyTokenizer() throws IOException {
    words.put(" ", -1f);
    words.put("a", -2f);
    words.put("b", -2f);
    words.put("c", -2f);
    words.put("d", -2f);
    words.put("ö", -2f);
    words.put("ab", -5f);
    words.put("bc", -1f);
    words.put(" a", -3f);
    words.put(" b", -3f);
    words.put(" ab", -4f);
    words.put("cd", -3f);
    words.put("dc", -3f);
    words.put(" bcd", -2f);
    words.put(" bc", -6f);
    words.put("bcd", -2.5f);
    vocab = new ArrayList<>(List.of("<unk>", "\n<s>\n", "\n</s>\n"));
    scores = new ArrayList<>(List.of(0f, 0f, 0f));
    for (int b = 0; b < 256; b++) {
      vocab.add(String.format(Locale.ROOT, "<0x%02X>", b));
      scores.add(0f);
    }
    words.forEach((piece, score) -> {
      vocab.add(piece);
      scores.add(score);
    });
    Path file = dir.resolve("tokenizer.bin");
    writeTokenizerBin(file, vocab, scores);
    tokenizer = Llama2cTokenizer.read(file);
  }

  @Test
  void readsEveryTokenOfTheFile() {
    assertThat(tokenizer.vocabSize()).isEqualTo(259 + words.size());
    assertThat(tokenizer.tokenText(id("bcd"))).isEqualTo("bcd");
    assertThat(tokenizer.tokenText(3 + 0x41)).isEqualTo("<0x41>");
    assertThat(tokenizer.bosId()).hasValue(1);
    assertThat(tokenizer.eosId()).hasValue(2);
  }

  @Test
  void mergesTheHighestScoringPairFirst() {
    // " abc": "bc" (-1) beats "ab" (-5) and " a" (-3), so "ab" never forms: [" a", "bc"]
    assertThat(tokenizer.encode("abc")).containsExactly(id(" a"), id("bc"));
    // " bcd": bc (-1) first, then bcd (-2.5), then " bcd" (-2)
    assertThat(tokenizer.encode("bcd")).containsExactly(id(" bcd"));
    // ties go to the leftmost pair: "cd" and "dc" both -3 in "cdc" → ["cd", "c"]
    assertThat(tokenizer.encode("cdc")).containsExactly(id(" "), id("cd"), id("c"));
  }

  @Test
  void fallsBackToBytesForCharactersOutsideTheVocabulary() {
    int[] ids = tokenizer.encode("aé");

    assertThat(ids).containsExactly(id(" a"), 3 + 0xC3, 3 + 0xA9);
    assertThat(tokenizer.encode("ö")).containsExactly(id(" "), id("ö"));
  }

  @Test
  void decodesWithoutTheDummyPrefixAndWithBytesAsUtf8() {
    assertThat(tokenizer.decode(new int[] {1, id(" a"), id("bc"), 3 + 0xC3, 3 + 0xA9, 2})).isEqualTo("abcé");
    assertThat(tokenizer.decode(new int[] {id(" a"), id(" b")})).isEqualTo("a b");
  }

  @Test
  void roundTripsTextAndMatchesTheRunCMergeLoop() {
    Random random = new Random(42);
    String alphabet = "abcdö é ";
    for (int trial = 0; trial < 300; trial++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(24);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      int[] ids = tokenizer.encode(text.toString());

      assertThat(ids).as(text.toString()).containsExactly(runCEncode(text.toString()));
      assertThat(tokenizer.decode(ids)).isEqualTo(text.toString());
    }
  }

  /** llama2.c run.c's encode, transcribed literally: rescan all pairs, merge the best, repeat. */
  private int[] runCEncode(String text) {
    List<Integer> tokens = new ArrayList<>();
    tokens.add(vocab.indexOf(" "));
    text.codePoints().forEach(cp -> {
      String ch = new String(Character.toChars(cp));
      int id = vocab.indexOf(ch);
      if (id >= 0) {
        tokens.add(id);
      } else {
        for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
          tokens.add((b & 0xFF) + 3);
        }
      }
    });
    while (true) {
      float best = -1e10f;
      int bestId = -1;
      int bestIdx = -1;
      for (int i = 0; i < tokens.size() - 1; i++) {
        int id = vocab.indexOf(vocab.get(tokens.get(i)) + vocab.get(tokens.get(i + 1)));
        if (id != -1 && scores.get(id) > best) {
          best = scores.get(id);
          bestId = id;
          bestIdx = i;
        }
      }
      if (bestIdx == -1) {
        break;
      }
      tokens.set(bestIdx, bestId);
      tokens.remove(bestIdx + 1);
    }
    return tokens.stream().mapToInt(Integer::intValue).toArray();
  }

  private int id(String piece) {
    int id = vocab.indexOf(piece);
    assertThat(id).as(piece).isNotNegative();
    return id;
  }

  static void writeTokenizerBin(Path file, List<String> pieces, List<Float> scores) throws IOException {
    int maxLength = pieces.stream().mapToInt(p -> p.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
    int size = 4 + pieces.stream().mapToInt(p -> 8 + p.getBytes(StandardCharsets.UTF_8).length).sum();
    ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(maxLength);
    for (int i = 0; i < pieces.size(); i++) {
      byte[] bytes = pieces.get(i).getBytes(StandardCharsets.UTF_8);
      buffer.putFloat(scores.get(i)).putInt(bytes.length).put(bytes);
    }
    Files.write(file, Arrays.copyOf(buffer.array(), buffer.position()));
  }
}
