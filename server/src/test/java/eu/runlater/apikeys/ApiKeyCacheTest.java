package eu.runlater.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A node keeps the API key rows it verified while the {@link ChangeFeed} announces no change: a
 * change made elsewhere (another node, an operator's psql: here another session) reaches it by the
 * triggers' notice, and an entry read before its listener lost its session is not trusted after.
 */
class ApiKeyCacheTest extends ServerTest {
  private static final Duration NOTICE =
      Duration.ofSeconds(5); // under ChangeFeed.MAX_AGE_NANOS: the notice, not the age

  @Autowired DataSource dataSource;
  @Autowired ChangeFeed changes;

  @Test
  void a_key_revoked_by_another_session_is_refused_once_its_notice_arrives() throws Exception {
    var tenant = fixtures.tenant();
    awaitListening();
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(200);

    sql("UPDATE api_keys SET revoked_at = now() WHERE id = '" + tenant.keyId() + "'");

    var refused = eventually(() -> api.get("/api/v1/organization", tenant.key()), r -> r == 401);
    assertThat(refused.json().get("detail").asString()).contains("revoked");
  }

  @Test
  void a_tier_changed_by_another_session_applies_to_creates_once_its_notice_arrives()
      throws Exception {
    var tenant = fixtures.tenant(Tier.FREE);
    awaitListening();
    String everyFiveMinutes =
        """
        {"name": "often", "url": "https://example.com/hook",
         "schedule": {"type": "cron", "expression": "*/5 * * * *"}}
        """;
    var refused = api.post("/api/v1/jobs", tenant.key(), everyFiveMinutes);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("tier-limit");

    sql("UPDATE organizations SET tier = 'pro' WHERE id = '" + tenant.organization().id() + "'");

    eventually(() -> api.post("/api/v1/jobs", tenant.key(), everyFiveMinutes), r -> r == 201);
  }

  @Test
  void an_entry_is_kept_while_nothing_is_announced_and_dropped_when_the_listener_loses_its_session()
      throws Exception {
    var tenant = fixtures.tenant();
    awaitListening();
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(200);
    long before = changes.stamp(ChangeFeed.CREDENTIALS);

    // Revoked without the triggers (as no notice would ever come): this node keeps its copy.
    sql(
        "BEGIN; SET LOCAL session_replication_role = replica;"
            + " UPDATE api_keys SET revoked_at = now() WHERE id = '"
            + tenant.keyId()
            + "'; COMMIT");
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(200);
    assertThat(changes.stamp(ChangeFeed.CREDENTIALS)).isEqualTo(before);

    // The listener's session ends: whatever it missed, nothing read before is trusted any more.
    sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = 'runlater-changes'");
    Sink.await(
        NOTICE,
        "the listener's new session",
        () -> changes.stamp(ChangeFeed.CREDENTIALS) != before);

    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(401);
  }

  private void awaitListening() {
    Sink.await(NOTICE, "the change feed listening", changes::listening);
  }

  private void sql(String statements) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }

  /** The first answer to {@code request}, asked again until its status passes {@code status}. */
  private static Api.Response eventually(Supplier<Api.Response> request, IntPredicate status) {
    AtomicReference<Api.Response> last = new AtomicReference<>();
    try {
      Sink.await(
          NOTICE,
          "an answer whose status passes",
          () -> {
            last.set(request.get());
            return status.test(last.get().status());
          });
    } catch (AssertionError e) {
      Api.Response r = last.get();
      throw new AssertionError(
          e.getMessage() + "; the last: " + (r == null ? "none" : r.status() + " " + r.body()), e);
    }
    return last.get();
  }
}
