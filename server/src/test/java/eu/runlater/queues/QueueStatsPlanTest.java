package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The metrics' refresh reads every queue's figures from their indexes: a deep queue beside shallow
 * ones must not turn a capped count into a sequential scan of all messages for each queue (the
 * planner, seeing the cap, expected to reach it early in a scan of the table).
 */
class QueueStatsPlanTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @Test
  void the_metrics_counts_use_the_queues_indexes_however_deep_one_queue_is() {
    var t = fixtures.tenant();
    for (String name : List.of("deep", "shallow", "empty")) {
      assertThat(api.put("/api/v1/queues/" + name, t.key(), "{\"paused\": true}").status())
          .isEqualTo(201);
    }
    UUID deep =
        jdbc.sql("SELECT id FROM queues WHERE organization_id = :o AND name = 'deep'")
            .param("o", t.id())
            .query(UUID.class)
            .single();
    jdbc.sql(
            """
            INSERT INTO messages (id, organization_id, queue_id, state, url, method, timeout_ms,
                                  retries, not_before, created_at, finished_at)
            SELECT gen_random_uuid(), :o, :q, CASE WHEN i % 4 = 0 THEN 'delivered' ELSE 'waiting' END,
                   'http://127.0.0.1:9/', 'POST', 30000, 0, now(), now(),
                   CASE WHEN i % 4 = 0 THEN now() END
            FROM generate_series(1, 60000) AS i
            """)
        .param("o", t.id())
        .param("q", deep)
        .update();
    jdbc.sql("ANALYZE messages").update();

    String sql =
        QueueStatsQueries.QUEUE_STATS_ALL
            .replace(":cap", "10000")
            .replace(":since", "now()")
            .replace(":limit", "1000");
    String plan = String.join("\n", jdbc.sql("EXPLAIN " + sql).query(String.class).list());
    assertThat(plan).as(plan).doesNotContain("Seq Scan on messages");
  }
}
