package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim statement (caps, turns, the front window and the fallback walk) must stay index-driven
 * in its generic plan, the one pgjdbc uses after five executions: no sequential scan of the tasks
 * table, whatever the parameters turn out to be.
 */
class ClaimPlanTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void the_generic_plan_of_the_claim_never_scans_the_whole_tasks_table() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      tasks.add(fixture.task("http://127.0.0.1:9/"));
    }
    fixture.db.inTransaction(c -> engine.tasks().insert(c, tasks));
    fixture.db.withConnection(c -> c.createStatement().execute("ANALYZE tasks"));

    List<String> lines = new ArrayList<>();
    fixture.db.withConnection(
        c -> {
          try (var st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute(
                "PREPARE claim AS " + CompletionPlanTest.positional(ClaimQueries.TASK_CLAIM_DUE));
            try (var rs = st.executeQuery("EXPLAIN EXECUTE claim(" + arguments() + ")")) {
              while (rs.next()) {
                lines.add(rs.getString(1));
              }
            }
            st.execute("DEALLOCATE claim");
          }
          return null;
        });
    String plan = String.join("\n", lines);
    assertThat(plan).as(plan).doesNotContain("Seq Scan on tasks");
    assertThat(plan).contains("tasks_pkey");
  }

  @Test
  void the_plan_made_on_an_empty_table_finds_the_picked_rows_by_their_key() throws Exception {
    // The claim keeps its generic plan for the connection's life or until the table's statistics
    // change: one made while the table was empty is the one used when a burst fills it.
    fixture.engine(fixture.config().build());
    fixture.db.withConnection(c -> c.createStatement().execute("ANALYZE tasks"));

    String plan =
        fixture.db.withConnection(
            c -> {
              c.setAutoCommit(false);
              try (var st = c.createStatement()) {
                st.execute(ClaimQueries.TASK_CLAIM_PLANNING);
                st.execute(
                    "PREPARE claim AS "
                        + CompletionPlanTest.positional(ClaimQueries.TASK_CLAIM_DUE));
                StringBuilder lines = new StringBuilder();
                try (var rs =
                    st.executeQuery("EXPLAIN (COSTS OFF) EXECUTE claim(" + arguments() + ")")) {
                  while (rs.next()) {
                    lines.append(rs.getString(1)).append('\n');
                  }
                }
                return lines.toString();
              } finally {
                c.rollback();
                c.setAutoCommit(true);
                try (var st = c.createStatement()) {
                  st.execute("DEALLOCATE ALL");
                }
              }
            });

    assertThat(plan).as(plan).doesNotContain("Seq Scan on tasks");
    // Every lookup of rows by id goes through the primary key, not along a ready index (which an
    // empty table's estimates make look as cheap, and which a full table makes a walk of it all).
    String[] lines = plan.split("\n");
    int lookups = 0;
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].contains("Index Cond: (id = ANY")) {
        lookups++;
        assertThat(lines[i - 1]).as(plan).contains("using tasks_pkey");
      }
    }
    assertThat(lookups).as(plan).isEqualTo(2);
  }

  /** The statement's parameters in the order {@code positional} numbers them. */
  static String arguments() {
    java.util.Map<String, String> values =
        java.util.Map.of(
            "now", "now()",
            "ahead_ms", "0",
            "limit", "100",
            "window", "200",
            "default_cap", "1000",
            "margin_ms", "5000",
            "node", "'plan-test'",
            "handing_orgs", "'{}'",
            "handing_n", "'{}'");
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?<!:):([a-z_]+)").matcher(ClaimQueries.TASK_CLAIM_DUE);
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(names);
    return String.join(", ", names.stream().map(values::get).toList());
  }
}
