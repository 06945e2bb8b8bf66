package eu.runlater.jobs;

/** SQL for {@link JobAlertSubjects}: jobs' names for alert messages. */
final class JobAlertSubjectsQueries {
  private JobAlertSubjectsQueries() {}

  static final String JOB_NAMES =
      """
      SELECT id, name FROM jobs
      WHERE organization_id = :organization_id AND id = ANY(:ids)
      """;
}
