package eu.runlater.workflows;

/** SQL for concurrency keys: the per-key lock, counting the runs that hold a key, admission. */
final class ConcurrencyQueries {
  private ConcurrencyQueries() {}

  // Held to the end of the transaction: whoever admits a run of this workflow and key (a start,
  // a retry, the end of another run) counts and changes state under it, so no two transactions
  // see the same free slot. The two-int form keeps these apart from single-bigint advisory locks.
  static final String CONCURRENCY_LOCK =
      """
      SELECT pg_advisory_xact_lock(19, hashtext(CAST(:workflow_id AS text) || '/' || :key))
      """;

  // A run that is 'running' or 'cancelling' holds its key; 'queued' ones wait. The run being
  // admitted is left out of both counts.
  static final String CONCURRENCY_COUNT =
      """
      SELECT count(*) FILTER (WHERE state IN ('running', 'cancelling')) AS holding,
             count(*) FILTER (WHERE state = 'queued') AS queued
      FROM workflow_runs
      WHERE workflow_id = :workflow_id AND concurrency_key = :key
        AND state IN ('queued', 'running', 'cancelling') AND id <> :id
      """;

  static final String CONCURRENCY_OLDEST_QUEUED =
      """
      SELECT id, version FROM workflow_runs
      WHERE workflow_id = :workflow_id AND concurrency_key = :key AND state = 'queued'
      ORDER BY id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
      """;

  static final String RUN_CONCURRENCY_KEY =
      "SELECT concurrency_key FROM workflow_runs WHERE id = :id";

  static final String RUN_ADMIT =
      """
      UPDATE workflow_runs SET concurrency_key = :key, state = :state
      WHERE id = :id
      """;
}
