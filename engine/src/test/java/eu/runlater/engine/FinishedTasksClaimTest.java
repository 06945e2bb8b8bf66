package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Finished tasks must not cost every later claim: each delivery leaves a dead entry in the
 * running-only lease index until a vacuum (autovacuum looks once a minute and waits for a fifth of
 * the table to be dead), and every claim, like the leader's maintenance probe, counts the running
 * tasks from that index. Read by a bitmap heap scan, each count visited every dead entry's tuple
 * again; read by a plain index scan (engine V8), the first count marks them and the next ones skip
 * them.
 */
class FinishedTasksClaimTest {
  static final int FINISHED = 20_000;

  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void a_claim_reads_the_dead_entries_of_finished_tasks_once_not_every_time() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    execute("ALTER TABLE tasks SET (autovacuum_enabled = false)");
    Instant now = Instant.now();
    for (int batch = 0; batch < FINISHED / 5_000; batch++) {
      List<NewTask> finished = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        finished.add(EngineFixture.task(EngineFixture.ORG, 0, now.minusSeconds(600)));
      }
      fixture.insert(engine, finished);
    }
    // Claimed (each gets an entry in the running-only index), then finished (deleted), as a
    // drain of FINISHED deliveries leaves the table before a vacuum.
    execute(
        "UPDATE tasks SET state = 'running', attempt = 1, lease_token = 1,"
            + " lease_expires_at = now() + interval '1 hour', claimed_by = 'elsewhere'");
    execute("DELETE FROM tasks");
    List<NewTask> due = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      due.add(EngineFixture.task(EngineFixture.ORG, 0, now.minusSeconds(60).plusMillis(i)));
    }
    fixture.insert(engine, due);
    execute(
        "UPDATE tasks SET state = 'running', attempt = 1, lease_token = 1,"
            + " lease_expires_at = now() + interval '1 hour', claimed_by = 'elsewhere'"
            + " WHERE id IN (SELECT id FROM tasks ORDER BY id LIMIT 50)");
    execute("ANALYZE tasks");
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isEqualTo(50);

    fixture.db.withConnection(
        c -> {
          long first = running(PendingClaimTest.explained(c, "force_custom_plan"));
          for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
            String plan = PendingClaimTest.explained(c, mode);
            // 50 running tasks in a few pages, and the index's pages of the 20,000 dead entries
            // (~60): their tuples, a thousand pages, are not read again.
            assertThat(running(plan))
                .as(
                    "a later claim's running count ("
                        + mode
                        + ", the first read "
                        + first
                        + "):\n"
                        + plan)
                .isLessThan(150);
          }
          for (int i = 0; i < 2; i++) {
            String probe = probe(c);
            assertThat(PendingClaimTest.pages(probe)).as(probe).isLessThan(150);
          }
          return null;
        });
  }

  /** Pages the claim's count of running tasks read: its {@code CTE running}'s first buffers. */
  private static long running(String plan) {
    int at = plan.indexOf("CTE running");
    assertThat(at).as(plan).isNotNegative();
    return PendingClaimTest.pages(plan.substring(at));
  }

  /** EXPLAIN ANALYZE of the leader's maintenance probe: the plan with its buffers. */
  private static String probe(Connection c) throws SQLException {
    String sql =
        NodeQueries.MAINTENANCE_PROBE
            .replace(":node", "'plan-test'")
            .replace(":dead_after_ms", "10000")
            .replace(":now", "now()");
    StringBuilder plan = new StringBuilder();
    try (var st = c.createStatement();
        var rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private void execute(String sql) throws SQLException {
    fixture.db.withConnection(
        c -> {
          try (var st = c.createStatement()) {
            st.execute(sql);
          }
          return null;
        });
  }
}
