package eu.runlater.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The hosts the engine holds back, as each organization may see them. */
class HostsApiTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  /** A held task of {@code org} to {@code https://<host>/hook}, its target the engine's key. */
  private void pendingTask(UUID org, String host) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    jdbc.sql(
            """
            INSERT INTO tasks (id, organization_id, source_kind, priority, run_at, scheduled_for,
                               max_attempts, url, method, timeout_ms, backoff_base_ms,
                               backoff_max_ms, created_at, target_host, state)
            VALUES (:id, :org, 'message', 5, :t, :t, 1, :url, 'POST', 5000, 50, 200, :t, :target,
                    'held')
            """)
        .param("id", UUID.randomUUID())
        .param("org", org)
        .param("t", now.plusHours(1))
        .param("url", "https://" + host.replace(":443", "") + "/hook")
        .param("target", "https://" + host)
        .update();
  }

  @Test
  void shows_each_organization_only_its_own_state_for_a_host_both_target() {
    var owner = fixtures.tenant();
    var other = fixtures.tenant();
    var stranger = fixtures.tenant();
    String host = "api-" + UUID.randomUUID() + ".example.com:443";
    Instant until = Instant.now().plusSeconds(600);
    jdbc.sql(
            """
            INSERT INTO host_states (organization_id, host, throttled_until, consecutive_failures,
                                     circuit, opened_at, reopen_at, open_count, last_error,
                                     updated_at)
            VALUES (:org, :host, :until, 12, 'open', now(), :until, 1, 'HTTP 503', now())
            """)
        .param("org", owner.id())
        .param("host", "https://" + host)
        .param("until", OffsetDateTime.ofInstant(until, ZoneOffset.UTC))
        .update();
    pendingTask(owner.id(), host);
    pendingTask(other.id(), host);

    var list = api.get("/api/v1/hosts", owner.key());
    assertThat(list.status()).as(list.body()).isEqualTo(200);
    var shown = list.json().get("data").get(0);
    assertThat(shown.get("host").asString()).isEqualTo(host);
    assertThat(shown.get("scheme").asString()).isEqualTo("https");
    assertThat(shown.get("throttled").asBoolean()).isTrue();
    assertThat(shown.get("circuit").asString()).isEqualTo("open");
    assertThat(shown.get("consecutive_failures").asInt()).isEqualTo(12);
    assertThat(shown.get("reopen_at").asString()).isNotBlank();
    assertThat(shown.get("last_error").asString()).isEqualTo("HTTP 503");

    var one = api.get("/api/v1/hosts/" + host, owner.key());
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(one.json().get("circuit").asString()).isEqualTo("open");

    // Another tenant delivering to the same host has its own state: healthy, nothing held back.
    var theirs = api.get("/api/v1/hosts", other.key());
    assertThat(theirs.status()).isEqualTo(200);
    assertThat(theirs.json().get("data")).isEmpty();
    var theirOne = api.get("/api/v1/hosts/" + host, other.key());
    assertThat(theirOne.status()).as(theirOne.body()).isEqualTo(200);
    assertThat(theirOne.json().get("circuit").asString()).isEqualTo("closed");
    assertThat(theirOne.json().get("throttled").asBoolean()).isFalse();
    assertThat(theirOne.json().get("consecutive_failures").asInt()).isZero();

    // A tenant that does not target the host learns nothing about it.
    var notFound = api.get("/api/v1/hosts/" + host, stranger.key());
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.contentType()).contains("application/problem+json");
    var badScheme = api.get("/api/v1/hosts/" + host + "?scheme=ftp", owner.key());
    assertThat(badScheme.status()).isEqualTo(422);
  }

  @Test
  void an_organization_gets_its_tiers_concurrency_cap() {
    var t = fixtures.tenant();
    Integer cap =
        jdbc.sql("SELECT max_running FROM organization_caps WHERE organization_id = :o")
            .param("o", t.id())
            .query(Integer.class)
            .single();
    assertThat(cap).isEqualTo(t.organization().tier().limits().concurrency());
  }
}
