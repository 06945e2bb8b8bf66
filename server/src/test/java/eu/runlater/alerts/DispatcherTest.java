package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.SqlTime;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Dispatcher passes driven one at a time, with the time they run at given. */
class DispatcherTest extends ServerTest {
  @Autowired Dispatcher dispatcher;
  @Autowired AlertSignals signals;
  @Autowired AlertRules rules;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  final Sink hooks = Sink.start();
  AlertFixtures alerts;
  Fixtures.Tenant tenant;
  UUID channel;

  @BeforeEach
  void setUp() {
    dispatcher.stop();
    alerts = new AlertFixtures(jdbc, dataSource);
    tenant = fixtures.tenant();
    Api.Response r =
        api.post(
            "/api/v1/alert-channels",
            tenant.key(),
            "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + hooks.url("/alerts")
                + "\"}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    channel = UUID.fromString(r.json().path("id").asString());
  }

  @AfterEach
  void tearDown() {
    dispatcher.start();
    hooks.close();
  }

  @Test
  void a_row_written_against_a_stale_group_still_waits_for_the_windows_end() {
    Instant now = Instant.now();
    // The channel's last group went 10 s ago; a signal that read the channel before that group
    // committed wrote a row due 2 s after its failure, already past.
    alerts.inTransaction(
        c ->
            signals.outcomes(
                c,
                List.of(AlertFixtures.failure(tenant.id(), "job", UUID.randomUUID(), now)),
                now.minusSeconds(20)));
    jdbc.sql("UPDATE alert_channels SET last_group_at = :at WHERE id = :id")
        .param("at", SqlTime.ts(now.minusSeconds(10)))
        .param("id", channel)
        .update();
    assertThat(dispatcher.runOnce(now).messages()).isZero();
    assertThat(dispatcher.runOnce(now.plusSeconds(50)).messages()).isEqualTo(1);
    hooks.awaitCount(1, Duration.ofSeconds(20));
    assertThat(dispatcher.runOnce(now.plusSeconds(51)).messages()).isZero();
  }

  @Test
  void a_re_alert_is_queued_once_per_interval_and_sent_as_a_reminder() {
    UUID job = UUID.randomUUID();
    rules.putOverride(
        tenant.id(),
        "job",
        job,
        new RuleSettings(
            null,
            null,
            null,
            null,
            null,
            null,
            Duration.ofMinutes(10),
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    Instant now = Instant.now();
    alerts.inTransaction(
        c ->
            signals.outcomes(c, List.of(AlertFixtures.failure(tenant.id(), "job", job, now)), now));
    assertThat(dispatcher.runOnce(now.plusSeconds(3)).messages()).isEqualTo(1);
    hooks.awaitCount(1, Duration.ofSeconds(20));
    assertThat(dispatcher.runOnce(now.plusSeconds(300)).reminders()).isZero();
    Instant later = now.plusSeconds(3 + 601);
    Dispatcher.Pass pass = dispatcher.runOnce(later);
    assertThat(pass.reminders()).isEqualTo(1);
    assertThat(dispatcher.runOnce(later).reminders()).as("queued once").isZero();
    assertThat(dispatcher.runOnce(later.plusSeconds(63)).messages()).isEqualTo(1);
    hooks.awaitCount(2, Duration.ofSeconds(20));
    String body =
        new String(hooks.received().get(1).body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(body).contains("is still failing");
  }
}
