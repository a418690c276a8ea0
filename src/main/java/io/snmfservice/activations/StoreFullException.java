package io.snmfservice.activations;

import io.snmfservice.jobs.JobFailedException;

/**
 * Files could not be written for lack of room (the store's limit or a full device): the job fails at once with 507
 * Insufficient Storage, since another attempt would meet the same full disk.
 */
public class StoreFullException extends JobFailedException {

  public StoreFullException(String detail) {
    super(507, detail);
  }
}
