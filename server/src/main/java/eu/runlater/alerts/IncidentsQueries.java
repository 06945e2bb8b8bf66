package eu.runlater.alerts;

/** SQL for reading incidents: badges, the open list, the API's history. */
final class IncidentsQueries {
  private IncidentsQueries() {}

  static final String INCIDENT_COLUMNS =
      """
      id, organization_id, subject_kind, subject_id, subject_name, condition, state,
      first_failure_at, last_failure_at, opened_at, closed_at, consecutive_failures, failures,
      last_status_code, last_error, last_snippet, last_execution_id, detail, announced,
      last_alert_at, realerts
      """;

  static final String INCIDENTS_OPEN_OF_SUBJECTS =
      "SELECT "
          + INCIDENT_COLUMNS
          + """
           FROM alert_incidents
          WHERE organization_id = :organization_id AND subject_kind = :subject_kind
            AND subject_id = ANY(:ids) AND state = 'open'
          ORDER BY first_failure_at
          """;

  // The spans the subjects' incidents of one condition were open, overlapping [since, now].
  static final String INCIDENTS_WINDOWS =
      """
      SELECT subject_id, opened_at, closed_at
        FROM alert_incidents
       WHERE organization_id = :organization_id AND subject_kind = :subject_kind
         AND subject_id = ANY(:ids) AND condition = :condition AND opened_at IS NOT NULL
         AND (closed_at IS NULL OR closed_at >= :since)
       ORDER BY opened_at
      """;

  static final String INCIDENTS_OPEN =
      "SELECT "
          + INCIDENT_COLUMNS
          + """
           FROM alert_incidents
          WHERE organization_id = :organization_id AND state = 'open'
          ORDER BY first_failure_at
          """;

  // Newest first by id (UUIDv7: creation order), past the cursor; every filter optional.
  static final String INCIDENTS_PAGE =
      "SELECT "
          + INCIDENT_COLUMNS
          + """
           FROM alert_incidents
          WHERE organization_id = :organization_id
            AND (CAST(:state AS text) IS NULL
                 OR (CAST(:state AS text) = 'open' AND state IN ('pending', 'open'))
                 OR (CAST(:state AS text) = 'closed' AND state = 'closed'))
            AND (CAST(:subject_kind AS text) IS NULL OR subject_kind = :subject_kind)
            AND (CAST(:subject_id AS uuid) IS NULL OR subject_id = :subject_id)
            AND (CAST(:before AS uuid) IS NULL OR id < :before)
          ORDER BY id DESC
          LIMIT :limit
          """;

  static final String INCIDENT_GET =
      "SELECT "
          + INCIDENT_COLUMNS
          + " FROM alert_incidents WHERE organization_id = :organization_id AND id = :id";
}
