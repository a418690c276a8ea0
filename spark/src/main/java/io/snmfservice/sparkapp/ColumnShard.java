package io.snmfservice.sparkapp;

import java.io.Serializable;

/**
 * Columns [globalStart, globalStart + columns) of A, stored as columns [fileStart, fileStart + columns) of one
 * activation file.
 */
record ColumnShard(String file, long fileStart, long globalStart, int columns) implements Serializable {}
