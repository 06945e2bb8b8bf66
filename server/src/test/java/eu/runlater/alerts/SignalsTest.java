package eu.runlater.alerts;

import static eu.runlater.alerts.AlertFixtures.failure;
import static eu.runlater.alerts.AlertFixtures.success;
import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * AlertSignals against the real schema: one incident per failing subject, one outbox row per
 * channel and change, due as the channel's group says.
 */
class SignalsTest extends ServerTest {
  static final Instant T0 = Instant.parse("2030-01-01T12:00:00Z");

  @Autowired AlertSignals signals;
  @Autowired AlertRules rules;
  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired Dispatcher dispatcher;
  AlertFixtures alerts;
  UUID org;
  UUID chat;
  UUID mail;
  UUID optIn;

  @BeforeEach
  void setUp() {
    dispatcher.stop(); // the test reads the outbox; nothing may take it meanwhile
    alerts = new AlertFixtures(jdbc, dataSource);
    org = fixtures.tenant().id();
    chat = alerts.channel(org, "chat", false, "http://127.0.0.1:1/chat");
    mail = alerts.channel(org, "mail", false, "http://127.0.0.1:1/mail");
    optIn = alerts.channel(org, "pager", true, "http://127.0.0.1:1/pager");
  }

  @org.junit.jupiter.api.AfterEach
  void restart() {
    dispatcher.start();
  }

  @Test
  void a_job_failing_every_second_for_an_hour_is_one_incident_told_once_per_channel() {
    UUID job = UUID.randomUUID();
    for (int batch = 0; batch < 36; batch++) {
      List<Outcome> outcomes = new ArrayList<>();
      for (int s = 0; s < 100; s++) {
        outcomes.add(failure(org, "job", job, T0.plusSeconds(batch * 100L + s)));
      }
      Instant now = T0.plusSeconds(batch * 100L + 99);
      alerts.inTransaction(c -> signals.outcomes(c, outcomes, now));
    }
    var incidents = alerts.incidents(job);
    assertThat(incidents).hasSize(1);
    assertThat(incidents.getFirst().state()).isEqualTo("open");
    assertThat(incidents.getFirst().failures()).isEqualTo(3_600);
    assertThat(incidents.getFirst().announced()).isTrue();
    var pending = alerts.pending(org);
    assertThat(pending)
        .extracting(AlertFixtures.Pending::channelId)
        .containsExactlyInAnyOrder(chat, mail);
    assertThat(pending).allMatch(p -> p.change().equals("opened"));
    assertThat(pending.getFirst().dueAt()).isEqualTo(T0.plusSeconds(99).plusSeconds(2));
  }

  @Test
  void successes_of_fine_subjects_change_nothing_and_a_success_recovers_an_open_incident() {
    UUID job = UUID.randomUUID();
    alerts.inTransaction(c -> signals.outcomes(c, List.of(success(org, "job", job, T0)), T0));
    assertThat(alerts.incidents(job)).isEmpty();
    alerts.inTransaction(
        c -> signals.outcomes(c, List.of(failure(org, "job", job, T0.plusSeconds(1))), T0));
    alerts.inTransaction(
        c ->
            signals.outcomes(
                c, List.of(success(org, "job", job, T0.plusSeconds(2))), T0.plusSeconds(2)));
    assertThat(alerts.incidents(job))
        .extracting(AlertFixtures.Incident::state)
        .containsExactly("closed");
    assertThat(alerts.pending(org))
        .extracting(AlertFixtures.Pending::change)
        .containsExactly("opened", "opened", "recovered", "recovered");
  }

  @Test
  void a_rule_naming_channels_reaches_those_opt_in_included() {
    UUID job = UUID.randomUUID();
    rules.putOverride(
        org,
        "job",
        job,
        new RuleSettings(
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(optIn),
            null,
            null,
            null,
            null,
            null));
    alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "job", job, T0)), T0));
    assertThat(alerts.pending(org))
        .extracting(AlertFixtures.Pending::channelId)
        .containsExactly(optIn);
  }

  @Test
  void consecutive_failures_stay_pending_until_the_nth() {
    UUID job = UUID.randomUUID();
    rules.putOverride(
        org,
        "job",
        job,
        new RuleSettings(
            RuleSettings.CONSECUTIVE,
            3,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    for (int i = 0; i < 2; i++) {
      Instant at = T0.plusSeconds(i);
      alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "job", job, at)), at));
    }
    assertThat(alerts.incidents(job))
        .extracting(AlertFixtures.Incident::state)
        .containsExactly("pending");
    assertThat(alerts.pending(org)).isEmpty();
    alerts.inTransaction(
        c ->
            signals.outcomes(
                c, List.of(failure(org, "job", job, T0.plusSeconds(2))), T0.plusSeconds(2)));
    assertThat(alerts.incidents(job))
        .extracting(AlertFixtures.Incident::state)
        .containsExactly("open");
    assertThat(alerts.pending(org)).hasSize(2);
  }

  @Test
  void in_a_maintenance_window_the_incident_is_tracked_and_announced_after_it() {
    UUID job = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO alert_maintenance_windows (id, organization_id, name, starts_at, ends_at,
                                                   created_at, updated_at)
            VALUES (gen_random_uuid(), :org, 'upgrade', :from, :until, now(), now())
            """)
        .param("org", org)
        .param("from", eu.runlater.engine.SqlTime.ts(T0.minusSeconds(60)))
        .param("until", eu.runlater.engine.SqlTime.ts(T0.plusSeconds(60)))
        .update();
    alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "job", job, T0)), T0));
    assertThat(alerts.incidents(job))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.state()).isEqualTo("open");
              assertThat(i.announced()).isFalse();
            });
    assertThat(alerts.pending(org)).isEmpty();
    Instant after = T0.plusSeconds(61);
    alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "job", job, after)), after));
    assertThat(alerts.incidents(job))
        .singleElement()
        .extracting(AlertFixtures.Incident::announced)
        .isEqualTo(true);
    assertThat(alerts.pending(org)).hasSize(2);
  }

  @Test
  void within_a_channels_group_window_a_new_failure_waits_for_the_windows_end() {
    Instant lastGroup = T0.minusSeconds(10);
    jdbc.sql("UPDATE alert_channels SET last_group_at = :at WHERE id = :id")
        .param("at", eu.runlater.engine.SqlTime.ts(lastGroup))
        .param("id", chat)
        .update();
    UUID job = UUID.randomUUID();
    alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "job", job, T0)), T0));
    var byChannel = alerts.pending(org);
    assertThat(byChannel)
        .filteredOn(p -> p.channelId().equals(chat))
        .singleElement()
        .extracting(AlertFixtures.Pending::dueAt)
        .isEqualTo(lastGroup.plus(Duration.ofSeconds(60)));
    assertThat(byChannel)
        .filteredOn(p -> p.channelId().equals(mail))
        .singleElement()
        .extracting(AlertFixtures.Pending::dueAt)
        .isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void dead_letters_do_not_count_for_a_queue_whose_rule_says_so() {
    UUID queue = UUID.randomUUID();
    rules.putOverride(
        org,
        "queue",
        queue,
        new RuleSettings(
            null, null, null, null, null, null, null, null, null, false, null, null, null, null));
    alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "queue", queue, T0)), T0));
    assertThat(alerts.incidents(queue)).isEmpty();
  }

  @Test
  void a_failure_rate_default_means_the_first_failure_for_a_queue() {
    rules.putDefaults(
        org,
        new RuleSettings(
            RuleSettings.FAILURE_RATE,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    UUID queue = UUID.randomUUID();
    alerts.inTransaction(c -> signals.outcomes(c, List.of(failure(org, "queue", queue, T0)), T0));
    assertThat(alerts.incidents(queue))
        .singleElement()
        .extracting(AlertFixtures.Incident::state)
        .isEqualTo("open");
    rules.putDefaults(org, RuleSettings.INHERIT);
  }

  @Test
  void a_condition_opens_once_and_closes_with_a_recovery() {
    UUID queue = UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      Instant at = T0.plusSeconds(i * 15L);
      alerts.inTransaction(
          c -> signals.condition(c, org, "queue", queue, "depth", true, "deep", at));
    }
    assertThat(alerts.incidents(queue))
        .singleElement()
        .extracting(AlertFixtures.Incident::state)
        .isEqualTo("open");
    alerts.inTransaction(
        c -> signals.condition(c, org, "queue", queue, "depth", false, null, T0.plusSeconds(60)));
    assertThat(alerts.incidents(queue))
        .singleElement()
        .extracting(AlertFixtures.Incident::state)
        .isEqualTo("closed");
    assertThat(alerts.pending(org))
        .extracting(AlertFixtures.Pending::change)
        .containsExactly("opened", "opened", "recovered", "recovered");
  }
}
