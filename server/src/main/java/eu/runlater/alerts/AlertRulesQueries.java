package eu.runlater.alerts;

/** SQL for alert_rules: the organization's defaults and the overrides per subject. */
final class AlertRulesQueries {
  private AlertRulesQueries() {}

  static final String RULE_COLUMNS =
      """
      organization_id, subject_kind, subject_id, trigger, consecutive_failures,
      failure_rate_percent, failure_rate_window_s, failure_rate_min_runs, recovery,
      realert_every_s,
      CASE WHEN muted_until = 'infinity' THEN NULL ELSE muted_until END AS muted_until,
      muted_until = 'infinity' AS muted_forever, channel_ids, dead_letters, depth_above,
      oldest_waiting_s, group_window_s, usage_alerts
      """;

  static final String RULE_GET =
      "SELECT "
          + RULE_COLUMNS
          + """
           FROM alert_rules
          WHERE organization_id = :organization_id AND subject_kind = :subject_kind
            AND subject_id = :subject_id
          """;

  // The defaults of these organizations and the overrides of these subjects, in one pass (the
  // primary key's leading column narrows it to the organizations).
  static final String RULES_OF_SUBJECTS =
      "SELECT "
          + RULE_COLUMNS
          + """
           FROM alert_rules
          WHERE organization_id = ANY(:organization_ids)
            AND (subject_kind = 'organization' OR subject_id = ANY(:subject_ids))
          """;

  static final String RULE_PUT =
      """
      INSERT INTO alert_rules (organization_id, subject_kind, subject_id, trigger,
                               consecutive_failures, failure_rate_percent, failure_rate_window_s,
                               failure_rate_min_runs, recovery, realert_every_s, muted_until,
                               channel_ids, dead_letters, depth_above, oldest_waiting_s,
                               group_window_s, usage_alerts, updated_at)
      VALUES (:organization_id, :subject_kind, :subject_id, :trigger, :consecutive_failures,
              :failure_rate_percent, :failure_rate_window_s, :failure_rate_min_runs, :recovery,
              :realert_every_s,
              CASE WHEN :muted_forever THEN 'infinity'::timestamptz ELSE :muted_until END, CAST(:channel_ids AS uuid[]), :dead_letters,
              :depth_above, :oldest_waiting_s, :group_window_s, :usage_alerts, :now)
      ON CONFLICT (organization_id, subject_kind, subject_id) DO UPDATE
      SET trigger = EXCLUDED.trigger, consecutive_failures = EXCLUDED.consecutive_failures,
          failure_rate_percent = EXCLUDED.failure_rate_percent,
          failure_rate_window_s = EXCLUDED.failure_rate_window_s,
          failure_rate_min_runs = EXCLUDED.failure_rate_min_runs, recovery = EXCLUDED.recovery,
          realert_every_s = EXCLUDED.realert_every_s, muted_until = EXCLUDED.muted_until,
          channel_ids = EXCLUDED.channel_ids, dead_letters = EXCLUDED.dead_letters,
          depth_above = EXCLUDED.depth_above, oldest_waiting_s = EXCLUDED.oldest_waiting_s,
          group_window_s = EXCLUDED.group_window_s, usage_alerts = EXCLUDED.usage_alerts,
          updated_at = :now
      """;

  static final String RULE_DELETE =
      """
      DELETE FROM alert_rules
      WHERE organization_id = :organization_id AND subject_kind = :subject_kind
        AND subject_id = :subject_id
      """;

  static final String CHANNELS_EXISTING =
      """
      SELECT id FROM alert_channels
      WHERE organization_id = :organization_id AND id = ANY(CAST(:ids AS uuid[]))
      """;

  // Queues with a rule of their own that sets a depth or age threshold, or every queue when the
  // defaults do: what the queue gauges measure.
  static final String RULES_OF_KIND =
      "SELECT "
          + RULE_COLUMNS
          + " FROM alert_rules WHERE subject_kind IN ('organization', :subject_kind)";
}
