package io.snmfservice.snmf;

/** Splits n columns into chunks of chunkColumns (the last may be shorter). */
record ChunkLayout(long n, int chunkColumns) {

  int count() {
    return (int) ((n + chunkColumns - 1) / chunkColumns);
  }

  long start(int chunk) {
    return (long) chunk * chunkColumns;
  }

  int size(int chunk) {
    return (int) Math.min(chunkColumns, n - start(chunk));
  }
}
