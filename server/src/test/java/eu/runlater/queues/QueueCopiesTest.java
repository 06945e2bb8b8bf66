package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A single push takes its queue from this node's copy ({@link MessageStore#findChecked}) while no
 * change to a queue is announced; a change made elsewhere (another node, an operator: here another
 * session) reaches the copy by the triggers' notice.
 */
class QueueCopiesTest extends ServerTest {
  private static final Duration NOTICE = Duration.ofSeconds(5);

  @Autowired DataSource dataSource;
  @Autowired ChangeFeed changes;
  @Autowired JdbcClient jdbc;

  @Test
  void a_timeout_changed_elsewhere_applies_to_the_first_push_after_its_notice_and_not_before()
      throws Exception {
    var t = fixtures.tenant();
    Sink.await(NOTICE, "the change feed listening", changes::listening);
    assertThat(
            api.send(
                    "PUT",
                    "/api/v1/queues/slowish",
                    t.key(),
                    "application/json",
                    "{\"timeout_ms\": 5000, \"paused\": true}")
                .status())
        .isIn(200, 201);
    assertThat(timeoutOf(t, push(t, "slowish"))).isEqualTo(5000);

    // Changed without the triggers (as if no notice ever came): this node keeps its copy.
    sql(
        "BEGIN; SET LOCAL session_replication_role = replica;"
            + " UPDATE queues SET timeout_ms = 6000 WHERE name = 'slowish'"
            + " AND organization_id = '"
            + t.organization().id()
            + "'; COMMIT");
    assertThat(timeoutOf(t, push(t, "slowish"))).isEqualTo(5000);

    long before = changes.stamp(Queues.CHANGES);
    sql(
        "UPDATE queues SET timeout_ms = 7000 WHERE name = 'slowish' AND organization_id = '"
            + t.organization().id()
            + "'");
    Sink.await(NOTICE, "the change's notice", () -> changes.stamp(Queues.CHANGES) != before);
    assertThat(timeoutOf(t, push(t, "slowish"))).isEqualTo(7000);
  }

  @Test
  void a_queue_deleted_elsewhere_is_made_again_by_the_first_push_after_its_notice()
      throws Exception {
    var t = fixtures.tenant();
    Sink.await(NOTICE, "the change feed listening", changes::listening);
    push(t, "fleeting");
    push(t, "fleeting");
    Object oldId = queueId(t, "fleeting");

    long before = changes.stamp(Queues.CHANGES);
    sql(
        "DELETE FROM queues WHERE name = 'fleeting' AND organization_id = '"
            + t.organization().id()
            + "'");
    Sink.await(NOTICE, "the change's notice", () -> changes.stamp(Queues.CHANGES) != before);

    String id = push(t, "fleeting");
    assertThat(api.get("/api/v1/queues/fleeting", t.key()).status()).isEqualTo(200);
    assertThat(queueId(t, "fleeting")).isNotNull().isNotEqualTo(oldId);
    assertThat(api.get("/api/v1/messages/" + id, t.key()).status()).isEqualTo(200);
  }

  private String push(Fixtures.Tenant t, String queue) {
    var r =
        api.post(
            "/api/v1/queues/" + queue + "/messages",
            t.key(),
            "{\"url\": \"https://example.com/hook\", \"delay\": \"1h\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("message_id").asString();
  }

  private int timeoutOf(Fixtures.Tenant t, String messageId) {
    JsonNode m = api.get("/api/v1/messages/" + messageId, t.key()).json();
    return m.get("timeout_ms").asInt();
  }

  private Object queueId(Fixtures.Tenant t, String name) {
    return jdbc.sql("SELECT id FROM queues WHERE organization_id = :o AND name = :n")
        .param("o", t.organization().id())
        .param("n", name)
        .query()
        .singleValue();
  }

  private void sql(String statements) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }
}
