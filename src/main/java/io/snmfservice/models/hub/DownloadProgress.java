package io.snmfservice.models.hub;

/**
 * Receives the progress of a snapshot download, after every buffer written, so a job can report bytes done,
 * rate and ETA. Called on the downloading thread: keep it cheap.
 */
@FunctionalInterface
public interface DownloadProgress {

  DownloadProgress NONE = (file, bytesDone, bytesTotal) -> { };

  /**
   * @param file the repository file being transferred (or the last one finished)
   * @param bytesDone bytes of the snapshot present so far, files already in the cache included
   * @param bytesTotal bytes of all files of the snapshot that are needed
   */
  void update(String file, long bytesDone, long bytesTotal);
}
