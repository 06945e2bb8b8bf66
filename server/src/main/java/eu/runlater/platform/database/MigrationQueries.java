package eu.runlater.platform.database;

/** SQL of {@link Migrations} and {@link LegacyHistory}, named noun-first. */
final class MigrationQueries {
  private MigrationQueries() {}

  // Two int keys, apart from the engine's single-bigint leader lock; 0x4D494752 is "MIGR".
  static final String MIGRATIONS_LOCK = "SELECT pg_advisory_lock(1296647762, 0)";
  static final String MIGRATIONS_UNLOCK = "SELECT pg_advisory_unlock(1296647762, 0)";

  static final String LEGACY_HISTORY_EXISTS =
      "SELECT to_regclass('flyway_schema_history') IS NOT NULL";

  static final String LEGACY_HISTORY_VERSIONS =
      """
      SELECT version, success FROM flyway_schema_history
      WHERE version IS NOT NULL AND type <> 'BASELINE'
      ORDER BY installed_rank
      """;

  static final String LEGACY_HISTORY_RETIRE =
      "ALTER TABLE flyway_schema_history RENAME TO " + LegacyHistory.RETIRED_TABLE;

  static final String FINGERPRINT_TABLE_EXISTS =
      "SELECT to_regclass('platform_schema_fingerprint') IS NOT NULL";

  static final String FINGERPRINT_RECORDED = "SELECT fingerprint FROM platform_schema_fingerprint";

  static final String FINGERPRINT_RECORD =
      """
      INSERT INTO platform_schema_fingerprint (fingerprint) VALUES (?)
      ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = now()
      """;
}
