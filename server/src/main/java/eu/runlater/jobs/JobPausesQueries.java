package eu.runlater.jobs;

/** SQL for {@code job_pauses}: when each job was disabled and enabled again. */
final class JobPausesQueries {
  private JobPausesQueries() {}

  static final String JOB_PAUSE_START =
      """
      INSERT INTO job_pauses (organization_id, job_id, paused_at) VALUES (:organization_id, :job_id, :now)
      ON CONFLICT DO NOTHING
      """;

  static final String JOB_PAUSE_END =
      "UPDATE job_pauses SET resumed_at = :now WHERE job_id = :job_id AND resumed_at IS NULL";

  // The pauses that overlap a window, for the timeline.
  static final String JOB_PAUSES_BETWEEN =
      """
      SELECT paused_at, resumed_at FROM job_pauses
      WHERE job_id = :job AND paused_at <= :to AND (resumed_at IS NULL OR resumed_at >= :from)
      """;
}
