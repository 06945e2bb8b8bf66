package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.cron.CronSchedule;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The leader's check gives an enabled cron job whose next run is gone its next occurrence. */
class CronRepairTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;
  @Autowired CronRepair repair;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private UUID create(String key, String name, String expression, boolean enabled) {
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "%s", "url": "%s", "enabled": %s,
             "schedule": {"type": "cron", "expression": "%s", "timezone": "Europe/Oslo"}}
            """
                .formatted(name, sink.url("/" + name), enabled, expression));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return UUID.fromString(created.json().get("id").asString());
  }

  private UUID pendingId(UUID job) {
    return jdbc.sql("SELECT pending_task_id FROM jobs WHERE id = :id")
        .param("id", job)
        .query(UUID.class)
        .optional()
        .orElse(null);
  }

  private Instant pendingScheduledFor(UUID job) {
    return jdbc.sql(
            "SELECT t.scheduled_for FROM jobs j JOIN tasks t ON t.id = j.pending_task_id"
                + " WHERE j.id = :id")
        .param("id", job)
        .query((rs, n) -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
        .optional()
        .orElse(null);
  }

  @Test
  void a_job_whose_pending_run_is_gone_gets_its_next_occurrence_and_only_it() {
    var tenant = fixtures.tenant();
    UUID broken = create(tenant.key(), "broken", "0 0 3 * * *", true);
    UUID healthy = create(tenant.key(), "healthy", "0 0 3 * * *", true);
    UUID paused = create(tenant.key(), "paused", "0 0 3 * * *", false);
    UUID healthyPending = pendingId(healthy);
    assertThat(healthyPending).isNotNull();
    assertThat(pendingId(paused)).isNull();
    // The chain broken as the old insert order broke it: the job names a run that is gone.
    jdbc.sql("DELETE FROM tasks WHERE id = :id").param("id", pendingId(broken)).update();
    assertThat(pendingScheduledFor(broken)).isNull();

    Instant before = Instant.now();
    var repaired = repair.runOnce();

    Instant next = CronSchedule.parse("0 0 3 * * *").next(before, ZoneId.of("Europe/Oslo"));
    // The leader's own pass may have come first (it runs every minute): either did it, once.
    assertThat(repaired)
        .filteredOn(r -> r.organizationId().equals(tenant.id()))
        .allSatisfy(
            r -> {
              assertThat(r.jobId()).isEqualTo(broken);
              assertThat(r.next()).isEqualTo(next);
            });
    assertThat(pendingScheduledFor(broken)).isEqualTo(next);
    assertThat(pendingId(healthy)).isEqualTo(healthyPending);
    assertThat(pendingId(paused)).isNull();
    assertThat(
            jdbc.sql("SELECT count(*) FROM tasks WHERE source_id = :id")
                .param("id", broken)
                .query(Long.class)
                .single())
        .isEqualTo(1);
    // Repaired once: the next pass finds nothing of this organization's to do.
    assertThat(repair.runOnce()).noneMatch(r -> r.organizationId().equals(tenant.id()));
  }

  @Test
  void a_repaired_job_runs_again_and_keeps_running() {
    var tenant = fixtures.tenant();
    // Enabled with no run at all: paused, then enabled behind the API's back.
    UUID job = create(tenant.key(), "every-second", "* * * * * *", false);
    jdbc.sql("UPDATE jobs SET enabled = true WHERE id = :id").param("id", job).update();
    assertThat(pendingId(job)).isNull();

    repair.runOnce();
    assertThat(pendingId(job)).as("the job's next run").isNotNull();

    // The repaired occurrence and the ones its claims make after it.
    sink.awaitCount(3, WAIT);
  }
}
