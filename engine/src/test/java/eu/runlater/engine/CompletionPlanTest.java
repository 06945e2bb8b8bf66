package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fenced completions must be driven from the primary key whatever the statistics say. With
 * statistics that see no running task, the planner once chose to scan the running-only lease index
 * for every id of the batch; with thousands of dead entries in that index under load, completions
 * took seconds and leases expired. pgjdbc switches to a generic plan after five executions, so the
 * generic plan is the one that matters.
 */
class CompletionPlanTest {
  final EngineFixture fixture = new EngineFixture();

  @BeforeEach
  void manyReadyTasksAndStatisticsThatSeeNoneRunning() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      tasks.add(fixture.task("http://127.0.0.1:9/"));
    }
    fixture.db.inTransaction(c -> engine.tasks().insert(c, tasks));
    fixture.db.withConnection(c -> c.createStatement().execute("ANALYZE tasks"));
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TASK_COMPLETE", "TASK_RELEASE", "TASK_RECORD_ATTEMPTS"})
  void completions_probe_the_primary_key_and_never_the_lease_index(String name) throws Exception {
    String sql = (String) TaskQueries.class.getDeclaredField(name).get(null);
    List<String> lines = new ArrayList<>();
    // Every parameter of these statements is an array: each an empty one.
    String args = String.join(", ", java.util.Collections.nCopies(parameters(sql), "'{}'"));
    fixture.db.withConnection(
        c -> {
          try (var st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE completion AS " + positional(sql));
            try (var rs = st.executeQuery("EXPLAIN EXECUTE completion(" + args + ")")) {
              while (rs.next()) {
                lines.add(rs.getString(1));
              }
            }
            st.execute("DEALLOCATE completion");
          }
          return null;
        });
    String plan = String.join("\n", lines);
    assertThat(plan).contains("tasks_pkey").doesNotContain("tasks_lease_idx");
  }

  static int parameters(String sql) {
    Matcher m = Pattern.compile("(?<!:):([a-z_]+)").matcher(sql);
    return (int) m.results().map(r -> r.group(1)).distinct().count();
  }

  /** {@code :name} to {@code $n} (the same name, the same number), leaving {@code ::casts}. */
  static String positional(String sql) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("(?<!:):([a-z_]+)").matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      if (!names.contains(m.group(1))) {
        names.add(m.group(1));
      }
      m.appendReplacement(out, "\\$" + (names.indexOf(m.group(1)) + 1));
    }
    return m.appendTail(out).toString();
  }
}
