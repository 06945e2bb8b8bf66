package eu.runlater.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The hosts the engine holds back, as each organization may see them. */
class HostsApiTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  @Autowired JdbcClient jdbc;
  final Sink sink = Sink.start();

  @AfterEach
  void stopSink() {
    sink.close();
  }

  /** A one-time job of {@code key} to the sink, due in an hour; its id. */
  private String job(String key, String name) {
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "%s", "url": "%s", "method": "POST", "retries": 0,
             "schedule": {"type": "once", "delay": "1h"}}
            """
                .formatted(name, sink.url("/" + name)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private String target() {
    return "http://127.0.0.1:" + sink.port();
  }

  /**
   * What the engine does when {@code org}'s circuit to the sink opens (or, with {@code throttled},
   * a Retry-After arrives) while the job's run is overdue: the row, and the task held or pushed
   * back, remembering it.
   */
  private void hold(UUID org, String jobId, boolean throttled) {
    jdbc.sql(
            """
            INSERT INTO host_states (organization_id, host, throttled_until, consecutive_failures,
                                     circuit, opened_at, reopen_at, open_count, last_error,
                                     updated_at)
            VALUES (:org, :host, CASE WHEN :throttled THEN now() + interval '10 minutes' END,
                    10, CASE WHEN :throttled THEN 'closed' ELSE 'open' END,
                    CASE WHEN :throttled THEN NULL ELSE now() END,
                    CASE WHEN :throttled THEN NULL ELSE now() + interval '10 minutes' END,
                    CASE WHEN :throttled THEN 0 ELSE 1 END, 'HTTP 503', now())
            """)
        .param("org", org)
        .param("host", target())
        .param("throttled", throttled)
        .update();
    jdbc.sql(
            """
            UPDATE tasks
            SET state = CASE WHEN :throttled THEN 'ready' ELSE 'held' END,
                scheduled_for = now() - interval '1 minute',
                run_at = CASE WHEN :throttled THEN now() + interval '10 minutes'
                              ELSE now() - interval '1 minute' END,
                held_by = CASE WHEN :throttled THEN 'host_throttle' ELSE 'host_circuit' END,
                held_since = now() - interval '1 minute', held_note = target_host
            WHERE source_id = :job
            """)
        .param("throttled", throttled)
        .param("job", UUID.fromString(jobId))
        .update();
  }

  private long rows(String sql, UUID org) {
    return jdbc.sql(sql).param("org", org).query(Long.class).single();
  }

  @Test
  void probe_now_sends_the_probe_at_once_and_its_success_releases_the_host_for_that_tenant_only() {
    var owner = fixtures.tenant();
    var other = fixtures.tenant();
    var stranger = fixtures.tenant();
    String mine = job(owner.key(), "mine");
    String theirs = job(other.key(), "theirs");
    hold(owner.id(), mine, false);
    hold(other.id(), theirs, false);
    String host = "127.0.0.1:" + sink.port();

    var refused = api.post("/api/v1/hosts/" + host + "/probe", stranger.key(), "");
    assertThat(refused.status()).as(refused.body()).isEqualTo(404);
    assertThat(refused.contentType()).contains("application/problem+json");

    var probed = api.post("/api/v1/hosts/" + host + "/probe?scheme=http", owner.key(), "");
    assertThat(probed.status()).as(probed.body()).isEqualTo(200);
    assertThat(probed.json().get("host").asString()).isEqualTo(host);
    assertThat(probed.json().get("scheme").asString()).isEqualTo("http");

    // The probe goes now; its success closes the circuit.
    sink.awaitCount(1, WAIT);
    assertThat(sink.received().getFirst().path()).isEqualTo("/mine");
    Sink.await(
        WAIT,
        "the owner's host released",
        () -> api.get("/api/v1/hosts", owner.key()).json().get("data").isEmpty());
    var executions = api.get("/api/v1/jobs/" + mine + "/executions", owner.key());
    var held = executions.json().get("data").get(0).get("held");
    assertThat(held.get("by").asString()).as(executions.body()).isEqualTo("host_circuit");
    assertThat(held.get("target").asString()).isEqualTo(target());
    assertThat(executions.json().get("data").get(0).get("lateness_ms").asLong())
        .isGreaterThanOrEqualTo(60_000);

    // The other tenant's circuit to the same host is untouched.
    assertThat(
            rows(
                "SELECT count(*) FROM host_states WHERE organization_id = :org AND circuit = 'open'",
                other.id()))
        .isEqualTo(1);
    assertThat(
            rows(
                // Held, or the other tenant's own probe, due when its period ends.
                "SELECT count(*) FROM tasks WHERE organization_id = :org"
                    + " AND (state = 'held' OR (state = 'ready' AND run_at > now()))",
                other.id()))
        .isEqualTo(1);
    assertThat(sink.received()).noneMatch(r -> r.path().equals("/theirs"));
    var again = api.post("/api/v1/hosts/" + host + "/probe", owner.key(), "");
    assertThat(again.status()).isEqualTo(404);
  }

  @Test
  void release_ends_a_throttle_and_its_deliveries_go() {
    var owner = fixtures.tenant();
    String pushed = job(owner.key(), "pushed");
    hold(owner.id(), pushed, true);
    String host = "127.0.0.1:" + sink.port();

    var probe = api.post("/api/v1/hosts/" + host + "/probe", owner.key(), "");
    assertThat(probe.status()).as(probe.body()).isEqualTo(409);
    assertThat(probe.contentType()).contains("application/problem+json");

    var released = api.post("/api/v1/hosts/" + host + "/release", owner.key(), "");
    assertThat(released.status()).as(released.body()).isEqualTo(200);
    assertThat(released.json().get("throttled").asBoolean()).isFalse();
    assertThat(released.json().get("circuit").asString()).isEqualTo("closed");
    sink.awaitCount(1, WAIT);
    assertThat(sink.received().getFirst().path()).isEqualTo("/pushed");
    var again = api.post("/api/v1/hosts/" + host + "/release", owner.key(), "");
    assertThat(again.status()).isEqualTo(404);
  }

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
