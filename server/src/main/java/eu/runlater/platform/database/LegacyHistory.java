package eu.runlater.platform.database;

import eu.runlater.platform.database.Migrations.Chain;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The single migration history of the releases before each module had its own ({@code
 * flyway_schema_history}, versions 1 to 20.1, every module's migrations in one numbering), and its
 * adoption.
 *
 * <p>Each migration of that chain became one migration of each module it touched (see {@link
 * Chain#legacyVersions()}), with the same statements. So a database at any of its versions maps to
 * a version of every module: the highest one whose single-chain migration it ran. Each module's
 * history starts as a baseline at that version, and only what comes after runs. Then the old table
 * is renamed {@value #RETIRED_TABLE}: kept as the record of what ran before (nothing reads it;
 * dropping it is safe), and out of the way of a previous release started on this database by
 * mistake, whose Flyway then refuses a schema without its history instead of running on one it does
 * not know.
 */
final class LegacyHistory {
  static final String RETIRED_TABLE = "flyway_schema_history_legacy";

  private final List<String> applied;

  private LegacyHistory(List<String> applied) {
    this.applied = applied;
  }

  /** The single history of this database, or null when it has none (or it was adopted). */
  static LegacyHistory read(JdbcClient sql) {
    if (!sql.sql(MigrationQueries.LEGACY_HISTORY_EXISTS).query(Boolean.class).single()) {
      return null;
    }
    record Row(String version, boolean success) {}
    List<Row> rows =
        sql.sql(MigrationQueries.LEGACY_HISTORY_VERSIONS)
            .query((rs, n) -> new Row(rs.getString("version"), rs.getBoolean("success")))
            .list();
    for (Row row : rows) {
      if (!row.success()) {
        throw new IllegalStateException(
            "flyway_schema_history records migration "
                + row.version()
                + " as failed. Start the release that ran it once more (it repairs or finishes its"
                + " migration), then this one.");
      }
    }
    return new LegacyHistory(rows.stream().map(Row::version).toList());
  }

  /** The version of {@code chain} that the single history ran: "0" when it ran none of it. */
  String adoptedVersion(Chain chain) {
    List<String> legacy = chain.legacyVersions();
    int ran = 0;
    while (ran < legacy.size() && applied.contains(legacy.get(ran))) {
      ran++;
    }
    for (int later = ran + 1; later < legacy.size(); later++) {
      if (applied.contains(legacy.get(later))) {
        throw new IllegalStateException(
            "flyway_schema_history ran migration "
                + legacy.get(later)
                + " but not "
                + legacy.get(ran)
                + " (applied out of order), so the "
                + chain.module()
                + " tables match no version of its migrations. Run the missing migration with the"
                + " release that has it, then start this one.");
      }
    }
    return Integer.toString(ran);
  }

  /** For the baselines' description: where the single history stood. */
  String describe() {
    return "adopted from flyway_schema_history at "
        + applied.stream()
            .max(Comparator.comparing(MigrationVersion::fromVersion))
            .orElse("no version");
  }

  /**
   * After every chain ran: renames the old history. (Organizations adopted from before the single
   * chain's V8 get their engine caps at start-up from organizations.TierConcurrency: a migration
   * writes no other module's table.) A run stopped before it commits adopts again on the next
   * start: the chains that have their history keep it, the others are baselined then.
   */
  void retire(Connection connection, JdbcClient sql) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      sql.sql(MigrationQueries.LEGACY_HISTORY_RETIRE).update();
      connection.commit();
    } catch (RuntimeException | SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }
}
