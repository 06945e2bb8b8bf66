package eu.runlater.alerts;

/** SQL for alert_maintenance_windows. */
final class MaintenanceWindowsQueries {
  private MaintenanceWindowsQueries() {}

  static final String WINDOW_COLUMNS =
      """
      id, organization_id, name, starts_at, ends_at, cron, time_zone, duration_s, created_at
      """;

  static final String WINDOW_LIST =
      "SELECT "
          + WINDOW_COLUMNS
          + " FROM alert_maintenance_windows WHERE organization_id = :organization_id"
          + " ORDER BY created_at, id";

  static final String WINDOW_GET =
      "SELECT "
          + WINDOW_COLUMNS
          + " FROM alert_maintenance_windows WHERE organization_id = :organization_id"
          + " AND id = :id";

  static final String WINDOW_INSERT =
      """
      INSERT INTO alert_maintenance_windows (id, organization_id, name, starts_at, ends_at, cron,
                                             time_zone, duration_s, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :starts_at, :ends_at, :cron, :time_zone, :duration_s,
              :now, :now)
      """;

  static final String WINDOW_UPDATE =
      """
      UPDATE alert_maintenance_windows
      SET name = :name, starts_at = :starts_at, ends_at = :ends_at, cron = :cron,
          time_zone = :time_zone, duration_s = :duration_s, updated_at = :now
      WHERE organization_id = :organization_id AND id = :id
      """;

  static final String WINDOW_DELETE =
      "DELETE FROM alert_maintenance_windows WHERE organization_id = :organization_id AND id = :id";
}
