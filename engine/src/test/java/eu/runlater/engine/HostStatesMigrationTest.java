package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * V3 (V17 before the engine's migrations were numbered on their own) on a database that has host
 * state keyed by host alone: targets become origins, the shared state is dropped (it was
 * transient), and nothing stays held without a circuit to release it.
 */
class HostStatesMigrationTest {

  @Test
  void upgrading_rekeys_targets_clears_host_state_and_releases_held_tasks() throws Exception {
    String database = TestPostgres.emptyDatabase("engine_v3");
    String url = TestPostgres.jdbcUrl(database);
    TestPostgres.migrate(database, EngineSchema.LOCATION, EngineSchema.HISTORY_TABLE, "2");
    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(
          """
          INSERT INTO tasks (id, organization_id, source_kind, priority, run_at, scheduled_for,
                             max_attempts, url, method, timeout_ms, backoff_base_ms,
                             backoff_max_ms, created_at, target_host, state)
          VALUES (gen_random_uuid(), gen_random_uuid(), 'job', 5, now(), now(), 1,
                  'https://API.example.com/hook', 'POST', 5000, 50, 200, now(),
                  'api.example.com:443', 'held'),
                 (gen_random_uuid(), gen_random_uuid(), 'job', 5, now(), now(), 1,
                  'http://hooks.example.com:8080/x', 'POST', 5000, 50, 200, now(),
                  'hooks.example.com:8080', 'ready'),
                 (gen_random_uuid(), gen_random_uuid(), 'job', 5, now(), now(), 1,
                  'http://old.example.com/x', 'POST', 5000, 50, 200, now(),
                  'old.example.com', 'ready')
          """);
      s.execute(
          """
          INSERT INTO host_states (host, consecutive_failures, circuit, opened_at, reopen_at,
                                   open_count, updated_at)
          VALUES ('api.example.com:443', 10, 'open', now(), now() + interval '1 minute', 1, now())
          """);
    }

    TestPostgres.migrate(database, EngineSchema.LOCATION, EngineSchema.HISTORY_TABLE, null);

    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT target_host, state FROM tasks ORDER BY target_host");
      StringBuilder rows = new StringBuilder();
      while (rs.next()) {
        rows.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
      }
      assertThat(rows.toString())
          .isEqualTo(
              """
              http://hooks.example.com:8080 ready
              http://old.example.com:80 ready
              https://api.example.com:443 ready
              """);
      rs = s.executeQuery("SELECT count(*) FROM host_states");
      rs.next();
      assertThat(rs.getLong(1)).isZero();
      rs =
          s.executeQuery(
              "SELECT count(*) FROM information_schema.columns"
                  + " WHERE table_name = 'host_states' AND column_name = 'organization_id'");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
    }
  }
}
