package eu.runlater.alerts;

/** SQL of {@code alert_notifications}, and of their tasks' attempts in {@code executions}. */
final class NotificationsQueries {
  private NotificationsQueries() {}

  static final String NOTIFICATION_INSERT =
      """
      INSERT INTO alert_notifications (id, organization_id, channel_id, channel_name, channel_kind,
                                       kind, headline, text, incident_ids, dedup_key, task_id,
                                       created_at)
      VALUES (:id, :organization_id, :channel_id, :channel_name, :channel_kind, :kind, :headline,
              :text, :incident_ids, :dedup_key, :task_id, :now)
      """;

  /**
   * A PagerDuty channel's triggers that covered any of {@code incident_ids}, whose incidents are
   * now all closed (or gone), and that no resolve has named yet: each gets one resolve.
   */
  static final String NOTIFICATION_TRIGGERS_TO_RESOLVE =
      """
      SELECT n.dedup_key, n.incident_ids FROM alert_notifications n
      WHERE n.channel_id = :channel_id AND n.dedup_key IS NOT NULL AND n.kind <> 'recovery'
        AND n.incident_ids && :incident_ids
        AND NOT EXISTS (SELECT 1 FROM alert_incidents i
                        WHERE i.id = ANY (n.incident_ids) AND i.state <> 'closed')
        AND NOT EXISTS (SELECT 1 FROM alert_notifications r
                        WHERE r.channel_id = n.channel_id AND r.kind = 'recovery'
                          AND r.dedup_key = n.dedup_key)
      ORDER BY n.created_at
      """;

  /**
   * Each notification with its delivery's state: the last attempt's status decides ({@code
   * delivered}; {@code failed} when it was the task's final one; else {@code retrying}); no attempt
   * yet is {@code pending}.
   */
  static final String NOTIFICATION_VIEW =
      """
      SELECT * FROM (
        SELECT n.id, n.organization_id, n.channel_id, n.channel_name, n.channel_kind, n.kind,
               n.headline, n.text, n.incident_ids, n.created_at, e.status_code, e.error,
               e.created_at AS last_attempt_at, coalesce(c.attempts, 0) AS attempts,
               CASE WHEN e.status IS NULL THEN 'pending'
                    WHEN e.status = 'success' THEN 'delivered'
                    WHEN e.final THEN 'failed'
                    ELSE 'retrying' END AS status
        FROM alert_notifications n
        LEFT JOIN LATERAL (SELECT x.status, x.final, x.status_code, x.error, x.created_at
                           FROM executions x WHERE x.source_id = n.id
                           ORDER BY x.attempt DESC, x.created_at DESC LIMIT 1) e ON true
        LEFT JOIN LATERAL (SELECT count(*) AS attempts FROM executions x
                           WHERE x.source_id = n.id) c ON true
        WHERE n.organization_id = :organization_id
      """;

  static final String NOTIFICATION_LIST =
      NOTIFICATION_VIEW
          + """
              AND (CAST(:channel_id AS uuid) IS NULL OR n.channel_id = :channel_id)
              AND (CAST(:kind AS text) IS NULL OR n.kind = :kind)
              AND (CAST(:incident_id AS uuid) IS NULL OR n.incident_ids @> ARRAY[CAST(:incident_id AS uuid)])
              AND (CAST(:before AS uuid) IS NULL OR n.id < :before)
            ORDER BY n.id DESC
          ) v
          WHERE CAST(:status AS text) IS NULL OR v.status = :status
          ORDER BY v.id DESC LIMIT :limit
          """;

  static final String NOTIFICATION_GET = NOTIFICATION_VIEW + " AND n.id = :id) v";

  static final String NOTIFICATION_FAILED_SINCE =
      NOTIFICATION_VIEW
          + """
          ) v WHERE v.status = 'failed' AND v.last_attempt_at >= :since
          ORDER BY v.last_attempt_at DESC LIMIT :limit
          """;

  static final String NOTIFICATION_ATTEMPTS =
      """
      SELECT x.id, x.attempt, x.status, x.status_code, x.error, x.response_body, x.started_at,
             x.created_at, x.duration_us
      FROM executions x JOIN alert_notifications n ON n.id = x.source_id
      WHERE n.organization_id = :organization_id AND n.id = :id
      ORDER BY x.attempt, x.created_at
      """;
}
