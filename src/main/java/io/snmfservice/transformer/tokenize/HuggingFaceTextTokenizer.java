package io.snmfservice.transformer.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust {@code tokenizers} library through DJL's binding. The
 * binding is told to add no special tokens, to truncate nothing and to pad nothing: the service decides about BOS,
 * context length and batching itself.
 *
 * <p>The vocabulary (for {@link #vocabSize()} and display) and BOS/EOS are read from the JSON files directly,
 * which the binding does not expose: {@code tokenizer_config.json}'s {@code bos_token}/{@code eos_token}, else
 * {@code config.json}'s {@code bos_token_id}/{@code eos_token_id}.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, String> OPTIONS = Map.of(
      "addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer tokenizer;
  private final String[] pieces;
  private final OptionalInt bos;
  private final OptionalInt eos;

  private HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, String[] pieces, OptionalInt bos,
      OptionalInt eos) {
    this.tokenizer = tokenizer;
    this.pieces = pieces;
    this.bos = bos;
    this.eos = eos;
  }

  /**
   * Loads {@code tokenizer.json}; {@code tokenizer_config.json} and {@code config.json} beside it are read for
   * BOS/EOS when present.
   *
   * @param tokenizerJson the {@code tokenizer.json} file or the directory holding it
   */
  public static HuggingFaceTextTokenizer open(Path tokenizerJson) throws IOException {
    Path file = Files.isDirectory(tokenizerJson) ? tokenizerJson.resolve("tokenizer.json") : tokenizerJson;
    if (!Files.isRegularFile(file)) {
      throw new IOException("no tokenizer.json at " + file);
    }
    Path dir = file.toAbsolutePath().getParent();
    JsonNode json = JSON.readTree(file);
    Map<String, Integer> idsByPiece = new HashMap<>();
    String[] pieces = vocabulary(json, idsByPiece);
    OptionalInt bos = specialId(dir, "bos", idsByPiece);
    OptionalInt eos = specialId(dir, "eos", idsByPiece);
    HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, OPTIONS);
    return new HuggingFaceTextTokenizer(tokenizer, pieces, bos, eos);
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
  }

  @Override
  public String decode(int[] ids) {
    for (int id : ids) {
      checkId(id);
    }
    return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
  }

  /**
   * The token as the tokenizer's decoder writes it alone (e.g. {@code " the"} for GPT-2's {@code "Ġthe"}); the
   * raw vocabulary piece where that is no text of its own (part of a multi-byte character).
   */
  @Override
  public String tokenText(int id) {
    checkId(id);
    String text = tokenizer.decode(new long[] {id}, false);
    if (text.isEmpty() || text.indexOf('\uFFFD') >= 0) {
      return pieces[id] == null ? "<" + id + ">" : pieces[id];
    }
    return text;
  }

  @Override
  public int vocabSize() {
    return pieces.length;
  }

  @Override
  public OptionalInt bosId() {
    return bos;
  }

  @Override
  public OptionalInt eosId() {
    return eos;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  /** Pieces by id from {@code model.vocab} (a map, or Unigram's list of [piece, score]) and {@code added_tokens}. */
  private static String[] vocabulary(JsonNode json, Map<String, Integer> idsByPiece) {
    JsonNode vocab = json.path("model").path("vocab");
    if (vocab.isObject()) {
      for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
        idsByPiece.put(entry.getKey(), entry.getValue().asInt());
      }
    } else if (vocab.isArray()) {
      int id = 0;
      for (JsonNode entry : vocab) {
        idsByPiece.put(entry.path(0).asString(), id++);
      }
    }
    for (JsonNode added : json.path("added_tokens")) {
      idsByPiece.put(added.path("content").asString(), added.path("id").asInt());
    }
    int size = idsByPiece.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    String[] pieces = new String[size];
    idsByPiece.forEach((piece, id) -> {
      if (pieces[id] == null) {
        pieces[id] = piece;
      }
    });
    return pieces;
  }

  private static OptionalInt specialId(Path dir, String kind, Map<String, Integer> idsByPiece) throws IOException {
    Path tokenizerConfig = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(tokenizerConfig)) {
      JsonNode token = JSON.readTree(tokenizerConfig).path(kind + "_token");
      String content = token.isObject() ? token.path("content").asString("") : token.asString("");
      Integer id = idsByPiece.get(content);
      if (id != null) {
        return OptionalInt.of(id);
      }
    }
    Path modelConfig = dir.resolve("config.json");
    if (Files.isRegularFile(modelConfig)) {
      JsonNode id = JSON.readTree(modelConfig).path(kind + "_token_id");
      JsonNode first = id.isArray() ? id.path(0) : id;
      if (first.isIntegralNumber()) {
        return OptionalInt.of(first.asInt());
      }
    }
    return OptionalInt.empty();
  }
}
