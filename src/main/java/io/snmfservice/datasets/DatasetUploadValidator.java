package io.snmfservice.datasets;

import io.snmfservice.errors.Invalid;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks an uploaded dataset file passes before it is parsed, one copy for the API and the dashboard: a name
 * as {@link CreateDatasetRequest} allows it, a kind that a file can have, and UTF-8 text.
 */
public final class DatasetUploadValidator {

  private DatasetUploadValidator() {}

  /** The file's text, or 422 saying which check failed (name, kind, then encoding). */
  public static String validText(String name, String kind, byte[] file) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw Invalid.value("name",
          "name must start with a letter or digit and use only letters, digits, '.', '_' and '-'");
    }
    if (!kind.matches("text|jsonl|tokens")) {
      throw Invalid.value("kind", "kind must be one of text, jsonl, tokens");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(file)).toString();
    } catch (CharacterCodingException e) {
      throw Invalid.value("file", "the uploaded file is not valid UTF-8 text");
    }
  }
}
