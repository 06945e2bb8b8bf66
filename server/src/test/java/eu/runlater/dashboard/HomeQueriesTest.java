package eu.runlater.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.SqlTime;
import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** What the home page's queries read, from PostgreSQL's own account of a run (EXPLAIN ANALYZE). */
class HomeQueriesTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @Test
  void the_overdue_check_reads_a_bounded_number_of_executions_of_a_job_that_never_succeeds() {
    UUID org = fixtures.tenant().id();
    UUID job = cronJob(org);
    Instant start = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
    // A job that failed for a long time: its history dwarfs the scan.
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    finished_at)
            SELECT gen_random_uuid(), t, :org, gen_random_uuid(), 'job', :job, 1, 'failed', true,
                   t, t, t
            FROM (SELECT :start - i * interval '1 ms' AS t
                  FROM generate_series(1, :n) i) g
            """)
        .param("org", org)
        .param("job", job)
        .param("start", SqlTime.ts(start))
        .param("n", 50 * Home.SUCCESS_SCAN)
        .update();
    // The latest execution, then the latest SUCCESS_SCAN in search of a success.
    assertThat(executionRowsRead(org)).isLessThanOrEqualTo(1 + Home.SUCCESS_SCAN);

    // Once it succeeds, the latest execution is all it takes.
    Rows.execution(jdbc, org, job, start.plusSeconds(60), 1, "success");
    assertThat(executionRowsRead(org)).isEqualTo(1);
  }

  /**
   * Rows the executions partitions gave or filtered out while the query ran, with statistics as
   * autovacuum keeps them (without any, the planner may sort a job's rows instead of reading the
   * index in order, which depends on what other tests left in the table).
   */
  private long executionRowsRead(UUID org) {
    jdbc.sql("ANALYZE executions").update();
    String plan =
        jdbc.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + HomeQueries.JOBS_LAST_SUCCESS)
            .param("org", org)
            .param("scan", Home.SUCCESS_SCAN)
            .param("limit", Home.SCHEDULE_SCAN)
            .query(String.class)
            .single();
    return rowsRead(Api.JSON.readTree(plan).get(0).get("Plan"));
  }

  private static long rowsRead(JsonNode node) {
    long rows = 0;
    if (node.has("Relation Name")
        && node.get("Relation Name").asString().startsWith("executions")) {
      long loops = node.get("Actual Loops").asLong();
      rows +=
          Math.round(
              (node.get("Actual Rows").asDouble()
                      + (node.has("Rows Removed by Filter")
                          ? node.get("Rows Removed by Filter").asDouble()
                          : 0))
                  * loops);
    }
    if (node.has("Plans")) {
      for (JsonNode child : node.get("Plans")) {
        rows += rowsRead(child);
      }
    }
    return rows;
  }

  private UUID cronJob(UUID org) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO jobs (id, organization_id, name, schedule_type, cron_expression, timezone,
                              url, method, timeout_ms, retries, created_at, updated_at,
                              schedule_changed_at)
            VALUES (:id, :org, 'never-ok', 'cron', '* * * * *', 'UTC', 'https://example.com/',
                    'GET', 30000, 0, now(), now(), now())
            """)
        .param("id", id)
        .param("org", org)
        .update();
    return id;
  }
}
