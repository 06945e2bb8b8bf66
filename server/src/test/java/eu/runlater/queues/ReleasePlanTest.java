package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.NewTask;
import eu.runlater.support.ServerTest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The release runs with a generic plan ({@link MessagesQueries#MESSAGE_RELEASE}): that plan must
 * read one queue's waiting messages from {@code messages_waiting_idx} in its order, whatever the
 * queue's depth, and the setting must end with the statement, not hold for the rest of the
 * transaction.
 */
class ReleasePlanTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired Release release;

  @Test
  void the_generic_plan_reads_the_queue_from_its_waiting_index_however_deep_it_is() {
    var t = fixtures.tenant();
    insertWaiting(t.id(), pausedQueue(t, "deep"), 60_000);
    insertWaiting(t.id(), pausedQueue(t, "shallow"), 3);
    jdbc.sql("ANALYZE messages").update();

    // The plan the plan cache keeps: the statement prepared with every parameter unknown, and the
    // generic plan forced as the release forces it.
    String sql =
        MessagesQueries.MESSAGE_RELEASE
            .replace(":queue_id", "$1")
            .replace(":now", "$2")
            .replace(":horizon", "$3")
            .replace(":limit", "$4");
    String plan =
        tx.execute(
            s -> {
              jdbc.sql("PREPARE release_plan(uuid, timestamptz, timestamptz, int) AS " + sql)
                  .update();
              try {
                jdbc.sql(MessagesQueries.RELEASE_GENERIC_PLAN).update();
                return String.join(
                    "\n",
                    jdbc.sql(
                            "EXPLAIN EXECUTE release_plan("
                                + "gen_random_uuid(), now(), now() + interval '100 ms', 50)")
                        .query(String.class)
                        .list());
              } finally {
                jdbc.sql("DEALLOCATE release_plan").update();
              }
            });
    assertThat(plan).as(plan).contains("messages_waiting_idx").contains("messages_pkey");
    assertThat(plan).as(plan).doesNotContain("Seq Scan on messages");
    assertThat(plan).as(plan).doesNotContain("Sort");
  }

  @Test
  void a_release_leaves_the_transaction_planning_as_it_found_it() {
    var t = fixtures.tenant();
    UUID queue = pausedQueue(t, "planned");
    insertWaiting(t.id(), queue, 5);
    jdbc.sql("UPDATE queues SET paused = false WHERE id = :id").param("id", queue).update();

    List<NewTask> released = new ArrayList<>();
    String after =
        tx.execute(
            s -> {
              try {
                release.release(jdbc, released::addAll, queue, Instant.now());
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
              return jdbc.sql("SHOW plan_cache_mode").query(String.class).single();
            });

    assertThat(released).hasSize(5);
    assertThat(after).isEqualTo("auto");
  }

  private UUID pausedQueue(eu.runlater.support.Fixtures.Tenant t, String name) {
    var created = api.put("/api/v1/queues/" + name, t.key(), "{\"paused\": true}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return jdbc.sql("SELECT id FROM queues WHERE organization_id = :o AND name = :n")
        .param("o", t.id())
        .param("n", name)
        .query(UUID.class)
        .single();
  }

  private void insertWaiting(UUID organization, UUID queue, int count) {
    jdbc.sql(
            """
            INSERT INTO messages (id, organization_id, queue_id, state, url, method, timeout_ms,
                                  retries, not_before, created_at, ordering_key)
            SELECT gen_random_uuid(), :o, :q, 'waiting', 'http://127.0.0.1:9/', 'POST', 30000, 0,
                   now() - interval '1 second', now(),
                   CASE WHEN i % 10 = 0 THEN 'k' || (i % 7) END
            FROM generate_series(1, :n) AS i
            """)
        .param("o", organization)
        .param("q", queue)
        .param("n", count)
        .update();
  }
}
