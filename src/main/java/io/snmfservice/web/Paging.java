package io.snmfservice.web;

import io.snmfservice.errors.Invalid;

/** Validated page coordinates of a list request. */
public record Paging(int page, int size) {

  public static final int MAX_SIZE = 500;

  public static Paging of(int page, int size) {
    if (page < 0) {
      throw Invalid.value("page", "page must be >= 0, was " + page);
    }
    if (size < 1 || size > MAX_SIZE) {
      throw Invalid.value("size", "size must be between 1 and " + MAX_SIZE + ", was " + size);
    }
    if ((long) page * size > Integer.MAX_VALUE - MAX_SIZE) {
      throw Invalid.value("page " + page + " of size " + size + " lies beyond any list");
    }
    return new Paging(page, size);
  }

  /**
   * A page number from a dashboard link, where a negative number reads as the first page; a page beyond any list
   * is 422, as in the API.
   */
  public static Paging ofLink(int page, int size) {
    return of(Math.max(0, page), size);
  }

  public int offset() {
    return page * size;
  }
}
