package eu.runlater.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.platform.database.StatementTimeouts;
import eu.runlater.support.Api;
import eu.runlater.support.HeldPool;
import eu.runlater.support.ServerTest;
import java.net.http.HttpRequest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every connection of the pool held (by this test, as a burst of requests would): a request that
 * waits for one in vain answers 503 problem+json with {@code Retry-After} within the pool's wait,
 * whether it failed in a filter (API key, Idempotency-Key) or in a controller, never a 500 or the
 * container's error (docs/reliability.md, R1 and R7).
 */
class PoolExhaustionTest extends ServerTest {
  private static final String JOB =
      """
      {"name": "once", "url": "https://example.com/hook", "schedule": {"type": "once", "delay": "1h"}}
      """;

  @Autowired DataSource dataSource;

  private static void assertUnavailable(Api.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(r.json().get("type").asString()).endsWith("database-unavailable");
    assertThat(r.json().get("status").asInt()).isEqualTo(503);
  }

  private static Api.Response timed(Supplier<Api.Response> call) {
    long started = System.nanoTime();
    Api.Response r = call.get();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("answered within the request's bound")
        .isLessThan(StatementTimeouts.REQUEST);
    return r;
  }

  @Test
  void requests_that_find_no_free_connection_answer_503_with_retry_after() throws SQLException {
    var t = fixtures.tenant();
    // Seen once, so that the key's check may come from a cache: then the controller's query is
    // the first to wait.
    assertThat(api.get("/api/v1/queues", t.key()).status()).isEqualTo(200);
    try (HeldPool held = HeldPool.hold(dataSource)) {
      assertUnavailable(timed(() -> api.get("/api/v1/queues", t.key())));
      assertUnavailable(timed(() -> api.post("/api/v1/queues/q/messages", t.key(), "{}")));
      assertUnavailable(
          timed(
              () ->
                  api.send(
                      api.request("/api/v1/jobs")
                          .header("Authorization", "Bearer " + t.key())
                          .header("Content-Type", "application/json")
                          .header("Idempotency-Key", "pool-1")
                          .POST(HttpRequest.BodyPublishers.ofString(JOB)))));
    }
    assertThat(api.get("/api/v1/queues", t.key()).status()).isEqualTo(200);
  }

  @Test
  void a_key_never_seen_checked_in_a_filter_without_a_connection_answers_503() throws SQLException {
    var t = fixtures.tenant();
    try (HeldPool held = HeldPool.hold(dataSource)) {
      assertUnavailable(timed(() -> api.get("/api/v1/queues", t.key())));
    }
    assertThat(api.get("/api/v1/queues", t.key()).status()).isEqualTo(200);
  }
}
