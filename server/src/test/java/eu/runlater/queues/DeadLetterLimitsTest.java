package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Caps;
import eu.runlater.organizations.CapsProperties.TierCaps;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.ratelimit.RateLimitProperties.Policy;
import eu.runlater.platform.ratelimit.RateLimiter;
import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/**
 * Dead letters keep their bodies until deleted or redriven, so they count against the stored-bytes
 * cap; a redrive puts them back among the waiting messages, so it is held to the waiting-message
 * cap and the rate limit as a push is. Dead letters are made by failing held messages in SQL (the
 * counting triggers see the same update a failed delivery makes).
 */
class DeadLetterLimitsTest extends ServerTest {
  @Autowired Caps caps;
  @Autowired RateLimiter limiter;
  @Autowired JdbcClient jdbc;

  @AfterEach
  void restore() {
    caps.reset();
    limiter.reset();
  }

  @Test
  void dead_letters_count_against_the_stored_bytes_cap() {
    caps.override(Tier.FREE, new TierCaps(1_000L, DataSize.ofBytes(4_000), 10, 100, 100));
    var tenant = fixtures.tenant(Tier.FREE);
    hold(tenant.key());
    String body = "x".repeat(1_500);
    assertThat(api.post("/api/v1/messages/batch", tenant.key(), batch(2, body)).status())
        .isEqualTo(201);
    long held = caps.usage(tenant.id()).storedBytes();
    fail(tenant.id());
    assertThat(caps.usage(tenant.id())).isEqualTo(new Caps.Usage(Tier.FREE, 0, held));

    Api.Response third = api.post("/api/v1/messages/batch", tenant.key(), batch(1, body));
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.json().get("type").asString()).endsWith("/cap-stored-bytes");

    // Deleting a dead letter gives its bytes back.
    String dead = deadIds(tenant.id())[0];
    assertThat(api.delete("/api/v1/dlq/" + dead, tenant.key()).status()).isIn(200, 204);
    assertThat(caps.usage(tenant.id()).storedBytes()).isEqualTo(held / 2);
    // A redrive moves bytes from dead to waiting: the count of bytes stays.
    assertThat(api.post("/api/v1/dlq/redrive", tenant.key(), "{}").status()).isEqualTo(200);
    assertThat(caps.usage(tenant.id())).isEqualTo(new Caps.Usage(Tier.FREE, 1, held / 2));
  }

  @Test
  void a_redrive_past_the_waiting_message_cap_is_refused_and_moves_nothing() {
    caps.override(Tier.FREE, new TierCaps(3L, DataSize.ofMegabytes(10), 10, 100, 100));
    var tenant = fixtures.tenant(Tier.FREE);
    hold(tenant.key());
    assertThat(api.post("/api/v1/messages/batch", tenant.key(), batch(3, "")).status())
        .isEqualTo(201);
    fail(tenant.id());
    assertThat(api.post("/api/v1/messages/batch", tenant.key(), batch(2, "")).status())
        .isEqualTo(201);

    // Two waiting, three dead: all three back would make five.
    Api.Response all = api.post("/api/v1/dlq/redrive", tenant.key(), "{}");
    assertThat(all.status()).as(all.body()).isEqualTo(429);
    assertThat(all.json().get("type").asString()).endsWith("/cap-waiting-messages");
    assertThat(deadIds(tenant.id())).hasSize(3);

    // One fits; the next one does not.
    String[] dead = deadIds(tenant.id());
    assertThat(api.post("/api/v1/dlq/" + dead[0] + "/redrive", tenant.key(), "").status())
        .isEqualTo(200);
    Api.Response second = api.post("/api/v1/dlq/" + dead[1] + "/redrive", tenant.key(), "");
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.json().get("type").asString()).endsWith("/cap-waiting-messages");
    assertThat(deadIds(tenant.id())).hasSize(2);
    assertThat(caps.usage(tenant.id()).waitingMessages()).isEqualTo(3);
  }

  @Test
  void a_redrive_costs_one_unit_per_message_moved() {
    var tenant = fixtures.tenant(Tier.FREE);
    hold(tenant.key());
    assertThat(api.post("/api/v1/messages/batch", tenant.key(), batch(8, "")).status())
        .isEqualTo(201);
    fail(tenant.id());
    // From here on, 5 units a minute (nothing refills while the test runs).
    limiter.configure(true, Map.of("free", new Policy("free", 5, Duration.ofMinutes(1))));

    // The call moves what its bucket holds (5, its own unit included), and says so.
    Api.Response first = api.post("/api/v1/dlq/redrive", tenant.key(), "{}");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("matched").asLong()).isEqualTo(8);
    assertThat(first.json().get("redriven").asLong()).isEqualTo(5);
    assertThat(first.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"free\";r=0;");
    assertThat(deadIds(tenant.id())).hasSize(3);

    // The bucket is empty: neither redrive moves anything.
    String one = deadIds(tenant.id())[0];
    Api.Response refused = api.post("/api/v1/dlq/" + one + "/redrive", tenant.key(), "");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().get("type").asString()).endsWith("/rate-limited");
    assertThat(api.post("/api/v1/dlq/redrive", tenant.key(), "{}").status()).isEqualTo(429);
    assertThat(deadIds(tenant.id())).hasSize(3);
  }

  @Test
  void a_release_changes_no_count_and_a_delivery_gives_the_message_back() {
    var tenant = fixtures.tenant(Tier.FREE);
    hold(tenant.key());
    assertThat(api.post("/api/v1/messages/batch", tenant.key(), batch(4, "y".repeat(300))).status())
        .isEqualTo(201);
    Caps.Usage pushed = caps.usage(tenant.id());
    assertThat(pushed.waitingMessages()).isEqualTo(4);
    assertThat(pushed).isEqualTo(recount(tenant.id()));

    // Released (waiting -> queued, as the queue's flow control does): still counted, same bytes.
    setState(tenant.id(), "waiting", "queued", 3);
    assertThat(caps.usage(tenant.id())).isEqualTo(pushed);
    // Two delivered, one dead-lettered, one still waiting, in one statement each way.
    jdbc.sql(
            """
            UPDATE messages SET finished_at = now(),
                   state = CASE WHEN id = (SELECT id FROM messages WHERE organization_id = :org
                                           AND state = 'queued' ORDER BY id LIMIT 1)
                                THEN 'failed' ELSE 'delivered' END
            WHERE organization_id = :org AND state = 'queued'
            """)
        .param("org", tenant.id())
        .update();
    Caps.Usage after = caps.usage(tenant.id());
    assertThat(after.waitingMessages()).isEqualTo(1);
    assertThat(after.storedBytes()).isEqualTo(pushed.storedBytes() / 2);
    assertThat(after).isEqualTo(recount(tenant.id()));
  }

  private void setState(UUID organizationId, String from, String to, int n) {
    jdbc.sql(
            "UPDATE messages SET state = :to WHERE id IN (SELECT id FROM messages"
                + " WHERE organization_id = :org AND state = :from ORDER BY id LIMIT :n)")
        .param("org", organizationId)
        .param("from", from)
        .param("to", to)
        .param("n", n)
        .update();
  }

  /** What the counters should say, counted from the messages themselves. */
  private Caps.Usage recount(UUID organizationId) {
    return jdbc.sql(
            """
            SELECT count(*) FILTER (WHERE state IN ('waiting', 'queued')) AS n,
                   coalesce(sum(request_bytes(url, headers, sealed_headers, body))
                            FILTER (WHERE state IN ('waiting', 'queued', 'failed')), 0) AS b
            FROM messages WHERE organization_id = :org
            """)
        .param("org", organizationId)
        .query((rs, i) -> new Caps.Usage(Tier.FREE, rs.getLong("n"), rs.getLong("b")))
        .single();
  }

  private void hold(String key) {
    assertThat(api.put("/api/v1/queues/held", key, "{\"paused\": true}").status()).isIn(200, 201);
  }

  /** Every message of the organization becomes a dead letter, as a last failed attempt makes it. */
  private void fail(UUID organizationId) {
    jdbc.sql(
            "UPDATE messages SET state = 'failed', finished_at = now(), last_status_code = 400"
                + " WHERE organization_id = :org")
        .param("org", organizationId)
        .update();
  }

  private String[] deadIds(UUID organizationId) {
    return jdbc.sql(
            "SELECT id::text FROM messages WHERE organization_id = :org AND state = 'failed'"
                + " ORDER BY id")
        .param("org", organizationId)
        .query(String.class)
        .list()
        .toArray(String[]::new);
  }

  /** A batch to the paused queue: the test decides what becomes of the messages. */
  private static String batch(int n, String body) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                "{\"queue\":\"held\",\"url\":\"https://example.com/"
                    + i
                    + "\",\"body\":{\"x\":\""
                    + body
                    + "\"}}")
        .collect(Collectors.joining(",", "{\"messages\":[", "]}"));
  }
}
