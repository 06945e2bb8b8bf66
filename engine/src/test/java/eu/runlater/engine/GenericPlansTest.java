package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Db#generic}: the completer's record (and the insert hand-offs) run with a generic plan
 * from their first server-side preparation on, so PostgreSQL never plans them anew for each call's
 * values, and the transaction's other statements keep the planning they had.
 */
class GenericPlansTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void a_statement_run_generic_is_planned_once_and_leaves_the_setting_as_it_was() throws Exception {
    Params ids = Params.of("ids", SqlArray.of("uuid", List.of(UUID.randomUUID())));
    fixture.db.inTransaction(
        c -> {
          // pgjdbc prepares a statement on the server from its fifth execution; PostgreSQL plans a
          // prepared one for its values five times before it may consider a generic plan.
          for (int i = 0; i < 12; i++) {
            Db.queries(
                c,
                Db.generic("SELECT count(*) FROM tasks WHERE id = ANY(:ids::uuid[])"),
                ids,
                rs -> {});
            Db.queries(
                c, "SELECT count(*) FROM tasks WHERE source_id = ANY(:ids::uuid[])", ids, rs -> {});
          }
          assertThat(plans(c, "WHERE id = ANY")).isEqualTo(new Plans(8, 0));
          assertThat(plans(c, "WHERE source_id = ANY").custom())
              .as("the same statement left to PostgreSQL")
              .isPositive();
          assertThat(setting(c)).isEqualTo("auto");
          return null;
        });
  }

  @Test
  void the_completers_record_is_never_planned_for_its_values() throws Exception {
    fixture.db.inTransaction(
        c -> {
          for (int i = 0; i < 12; i++) {
            Db.queries(
                c,
                Completer.RECORD_ATTEMPTS,
                Completer.recordParams(List.of(), List.of()),
                rs -> {});
          }
          assertThat(plans(c, "WITH completed AS")).isEqualTo(new Plans(8, 0));
          assertThat(setting(c)).isEqualTo("auto");
          return null;
        });
  }

  record Plans(long generic, long custom) {}

  private static Plans plans(Connection c, String statement) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                + " WHERE statement LIKE '%' || ? || '%' AND NOT from_sql")) {
      ps.setString(1, statement);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a prepared statement with " + statement).isTrue();
        return new Plans(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  private static String setting(Connection c) throws SQLException {
    try (var rs = c.createStatement().executeQuery("SHOW plan_cache_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
