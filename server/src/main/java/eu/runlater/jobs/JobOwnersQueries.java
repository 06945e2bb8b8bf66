package eu.runlater.jobs;

/** SQL for {@link JobOwners}: which of some organizations owns a job. */
final class JobOwnersQueries {
  private JobOwnersQueries() {}

  static final String JOB_OWNER_AMONG =
      """
      SELECT organization_id FROM jobs
      WHERE id = :id AND organization_id IN (:organizations)
      """;
}
