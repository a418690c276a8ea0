package io.snmfservice.models.hub;

/**
 * What the hub announces about one file of a commit, from the headers of its {@code resolve} URL.
 *
 * @param commit the commit the file belongs to ({@code X-Repo-Commit})
 * @param etag the blob name: git sha1 for regular files, sha256 of the content for LFS files
 *     ({@code X-Linked-Etag}, else {@code ETag}, without quotes)
 * @param size the content length in bytes ({@code X-Linked-Size}, else {@code Content-Length})
 */
record FileMetadata(String commit, String etag, long size) {

  /** LFS files carry the sha256 of their content as etag, which lets the download be checked. */
  boolean etagIsSha256() {
    return etag.matches("[0-9a-f]{64}");
  }
}
