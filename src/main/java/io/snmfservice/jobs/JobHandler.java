package io.snmfservice.jobs;

/**
 * Runs the jobs of one type. {@link #run} does the work, reporting progress through the context (where a
 * cancellation or shutdown request surfaces as an exception), and returns a {@link JobResult} whose writer the
 * worker runs in the same transaction that marks the job SUCCEEDED.
 */
public interface JobHandler {

  String type();

  JobResult run(JobContext context) throws Exception;
}
