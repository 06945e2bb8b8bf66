package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leader vacuums the tasks table once enough dead rows have gathered, not before. */
class TaskVacuumTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void a_thousand_dead_rows_make_a_vacuum_and_fewer_do_not() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    TaskVacuum vacuum = new TaskVacuum(fixture.db);
    // Autovacuum, which may wake at any moment, would take the dead rows first.
    fixture.db.withConnection(
        c -> c.createStatement().execute("ALTER TABLE tasks SET (autovacuum_enabled = false)"));

    churn(engine, 900);
    assertThat(vacuum.runOnce().join()).as("900 dead rows").isFalse();
    assertThat(vacuums()).isZero();

    churn(engine, 300);
    assertThat(vacuum.runOnce().join()).as("1,200 dead rows").isTrue();
    assertThat(vacuums()).isEqualTo(1);
    flushStatistics();
    assertThat(fixture.count("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'tasks'"))
        .isZero();
  }

  /** Inserts {@code n} tasks and deletes them, leaving {@code n} dead rows counted. */
  private void churn(Engine engine, int n) throws Exception {
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(fixture.task("http://127.0.0.1:9/"));
    }
    fixture.insert(engine, tasks);
    fixture.db.withConnection(
        c -> {
          try (var st = c.createStatement()) {
            st.execute("DELETE FROM tasks");
            // A backend reports its counts at most once a second, or when told to.
            st.execute("SELECT pg_stat_force_next_flush()");
          }
          return null;
        });
    flushStatistics();
  }

  private void flushStatistics() throws Exception {
    fixture.db.withConnection(
        c -> {
          try (var st = c.createStatement()) {
            st.execute("SELECT pg_stat_force_next_flush()");
            st.execute("SELECT pg_stat_clear_snapshot()");
          }
          return null;
        });
  }

  private long vacuums() {
    return fixture.count("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'tasks'");
  }
}
