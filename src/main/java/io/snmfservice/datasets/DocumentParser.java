package io.snmfservice.datasets;

import io.snmfservice.errors.Invalid;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads documents from the accepted upload formats: plain text (one document per non-blank line), JSONL with
 * a {@code "text"} field per line, and token-id lists (JSONL of integer arrays or {@code {"tokens": [...]}}).
 * Errors name the line, as 422.
 */
final class DocumentParser {

  private final JsonMapper json;

  DocumentParser(JsonMapper json) {
    this.json = json;
  }

  List<Document> textLines(String content) {
    List<Document> docs = new ArrayList<>();
    for (String line : content.split("\\R")) {
      if (!line.isBlank()) {
        docs.add(Document.text(docs.size(), line));
      }
    }
    return docs;
  }

  List<Document> texts(List<String> texts) {
    List<Document> docs = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null || text.isEmpty()) {
        throw Invalid.value("texts[" + i + "] is empty");
      }
      docs.add(Document.text(i, text));
    }
    return docs;
  }

  List<Document> jsonlTexts(String content) {
    List<Document> docs = new ArrayList<>();
    String[] lines = content.split("\\R");
    for (int n = 0; n < lines.length; n++) {
      if (lines[n].isBlank()) {
        continue;
      }
      JsonNode node = parseLine(lines[n], n + 1);
      JsonNode text = node.get("text");
      if (text == null || !text.isString() || text.asString().isEmpty()) {
        throw Invalid.value("line " + (n + 1) + ": expected an object with a non-empty string \"text\"");
      }
      docs.add(Document.text(docs.size(), text.asString()));
    }
    return docs;
  }

  List<Document> jsonlTokens(String content) {
    List<int[]> sequences = new ArrayList<>();
    String[] lines = content.split("\\R");
    for (int n = 0; n < lines.length; n++) {
      if (lines[n].isBlank()) {
        continue;
      }
      JsonNode node = parseLine(lines[n], n + 1);
      JsonNode ids = node.isArray() ? node : node.get("tokens");
      if (ids == null || !ids.isArray()) {
        throw Invalid.value("line " + (n + 1) + ": expected an array of token ids or {\"tokens\": [...]}");
      }
      sequences.add(ids(ids, "line " + (n + 1)));
    }
    return tokens(sequences);
  }

  List<Document> tokens(List<int[]> sequences) {
    List<Document> docs = new ArrayList<>(sequences.size());
    for (int i = 0; i < sequences.size(); i++) {
      int[] ids = sequences.get(i);
      if (ids == null || ids.length == 0) {
        throw Invalid.value("tokens[" + i + "] is empty");
      }
      for (int id : ids) {
        if (id < 0) {
          throw Invalid.value("tokens[" + i + "] has a negative token id " + id);
        }
      }
      docs.add(Document.tokens(i, ids));
    }
    return docs;
  }

  private int[] ids(JsonNode array, String where) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = array.get(i);
      if (!id.isIntegralNumber() || !id.canConvertToInt()) {
        throw Invalid.value(where + ": token " + i + " is not an integer id");
      }
      ids[i] = id.asInt();
    }
    return ids;
  }

  private JsonNode parseLine(String line, int number) {
    try {
      return json.readTree(line);
    } catch (JacksonException e) {
      throw Invalid.value("line " + number + " is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
