package eu.runlater.dashboard;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Execution rows written straight to the table, as the engine records them, for the home tests. */
final class Rows {
  private Rows() {}

  /** A final execution of {@code job} (null: none) started {@code at}. */
  static void execution(
      JdbcClient jdbc, UUID org, UUID job, Instant at, int attempt, String status) {
    Instant t = at.truncatedTo(ChronoUnit.MILLIS);
    Map<String, Object> p = new HashMap<>();
    p.put("id", Ids.v7(t));
    p.put("at", SqlTime.ts(t));
    p.put("org", org);
    p.put("task", UUID.randomUUID());
    p.put("job", job);
    p.put("attempt", attempt);
    p.put("status", status);
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    finished_at)
            VALUES (:id, :at, :org, :task, 'job', :job, :attempt, :status, true, :at, :at, :at)
            """)
        .params(p)
        .update();
  }
}
