package eu.runlater.monitors;

/** SQL of {@link MonitorTransitions}: a monitor's state and its timeline. */
final class MonitorTransitionsQueries {
  private MonitorTransitionsQueries() {}

  /** Moves a monitor from the state the caller saw; 0 rows when another change came first. */
  static final String MONITOR_STATE_SET =
      """
      UPDATE monitors
      SET state = :to_state, state_since = :at, state_reason = :reason, updated_at = :at
      WHERE id = :id AND state = :from_state
      RETURNING organization_id, name
      """;

  static final String EVENT_INSERT =
      """
      INSERT INTO monitor_events (id, monitor_id, at, from_state, to_state, reason)
      VALUES (:id, :monitor_id, :at, :from_state, :to_state, :reason)
      """;
}
