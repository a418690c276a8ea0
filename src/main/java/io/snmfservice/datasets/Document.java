package io.snmfservice.datasets;

/** One document of a dataset: text, token ids, or both. */
public record Document(int ordinal, String text, int[] tokenIds) {

  public static Document text(int ordinal, String text) {
    return new Document(ordinal, text, null);
  }

  public static Document tokens(int ordinal, int[] ids) {
    return new Document(ordinal, null, ids);
  }
}
