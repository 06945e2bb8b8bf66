package eu.runlater.dashboard;

/**
 * SQL for the runs log: every execution of an organization, newest first, read through the
 * executions' (organization_id, created_at DESC) index with a keyset on (created_at, id) and a
 * LIMIT, so a page costs its rows whatever the depth (no OFFSET). Read only: the engine writes
 * executions; jobs, messages, queues and topics only name them.
 */
final class RunsQueries {
  private RunsQueries() {}

  /**
   * A run's columns (Runs.row) and what names it: its job, its message's queue, the channel of its
   * alert, or the monitor it checks (any other owner is named by its producer: RunOwners).
   */
  static final String RUN_FROM =
      """
      SELECT e.id, e.created_at, e.status, e.source_kind, e.source_id, e.task_id, e.attempt,
             e.scheduled_for,
             e.started_at, e.duration_us, e.status_code, e.request_method, e.request_url,
             e.held_by, e.held_note, j.name AS job_name, q.name AS queue_name,
             n.channel_name AS alert_channel, mo.name AS monitor_name
      FROM executions e
      LEFT JOIN jobs j ON e.source_kind = 'job' AND j.id = e.source_id
      LEFT JOIN messages m ON e.source_kind = 'message' AND m.id = e.source_id
      LEFT JOIN queues q ON q.id = m.queue_id
      LEFT JOIN alert_notifications n ON e.source_kind = 'alert' AND n.id = e.source_id
      LEFT JOIN monitors mo ON e.source_kind = 'monitor' AND mo.id = e.source_id
      """;

  // A filter left out is a null parameter; PostgreSQL plans each page with its values (a custom
  // plan), so an unused condition costs nothing. The topic's fan-out messages are ordinary
  // messages to the topic's endpoint URLs (Topics.publish keeps no link to the topic), so a topic
  // filter is "message deliveries to one of its endpoints". The host filter is a regular
  // expression on the request URL's origin (RunFilter.hostPattern), the engine's target key.
  static final String RUNS_PAGE =
      RUN_FROM
          + """
      WHERE e.organization_id = :org
        AND e.created_at >= :from AND e.created_at < :to
        AND e.created_at <= :cursor_at
        AND (e.created_at < :cursor_at OR e.id < :cursor_id)
        AND (CAST(:status AS text) IS NULL OR e.status = CAST(:status AS text))
        AND (CAST(:job AS uuid) IS NULL OR e.source_id = CAST(:job AS uuid))
        AND (CAST(:queue AS uuid) IS NULL OR m.queue_id = CAST(:queue AS uuid))
        AND (CAST(:topic AS uuid) IS NULL
             OR (e.source_kind = 'message'
                 AND e.request_url IN (SELECT t.url FROM topic_endpoints t
                                       WHERE t.topic_id = CAST(:topic AS uuid))))
        AND (CAST(:host AS text) IS NULL OR e.request_url ~* CAST(:host AS text))
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT :limit
      """;

  /** The filter's choices: at most this many jobs, queues and topics, by name. */
  static final int CHOICES = 500;

  static final String JOB_CHOICES =
      """
      SELECT id, name FROM jobs WHERE organization_id = :org ORDER BY name, id LIMIT :limit
      """;

  static final String JOB_NAME = "SELECT name FROM jobs WHERE organization_id = :org AND id = :id";

  static final String QUEUE_CHOICES =
      "SELECT name FROM queues WHERE organization_id = :org ORDER BY name LIMIT :limit";

  static final String QUEUE_ID =
      "SELECT id FROM queues WHERE organization_id = :org AND name = :name";

  static final String TOPIC_CHOICES =
      "SELECT name FROM topics WHERE organization_id = :org ORDER BY name LIMIT :limit";

  static final String TOPIC_ID =
      "SELECT id FROM topics WHERE organization_id = :org AND name = :name";
}
