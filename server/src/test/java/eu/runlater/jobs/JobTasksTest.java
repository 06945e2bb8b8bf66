package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.cron.CronSchedule;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.engine.Priorities;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Claim priorities: pro before free, short-interval crons before long ones, one-time last. */
class JobTasksTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  private static Job job(Schedule schedule) {
    return new Job(
        UUID.randomUUID(),
        UUID.randomUUID(),
        null,
        "j",
        schedule,
        new JobRequest(
            "https://example.com", "GET", List.of(), null, List.of(), null, false, 30_000),
        0,
        true,
        Policies.CatchUp.LATEST,
        Policies.Overlap.ALLOW,
        null,
        NOW,
        NOW,
        NOW);
  }

  private static int priority(String cron, Tier tier) {
    return JobTasks.priority(
        job(new Schedule.Cron(CronSchedule.parse(cron), ZoneId.of("UTC"))), tier, NOW);
  }

  @Test
  void the_cron_interval_orders_the_claims_and_pro_comes_before_free() {
    assertThat(priority("*/10 * * * * *", Tier.PRO)).isEqualTo(Priorities.CRON_MINUTE);
    assertThat(priority("* * * * *", Tier.PRO)).isEqualTo(Priorities.CRON_MINUTE);
    assertThat(priority("*/15 * * * *", Tier.PRO)).isEqualTo(Priorities.CRON_HOUR);
    assertThat(priority("0 3 * * *", Tier.PRO)).isEqualTo(Priorities.CRON_LONG);
    assertThat(JobTasks.priority(job(new Schedule.Once(NOW)), Tier.PRO, NOW))
        .isEqualTo(Priorities.ONE_TIME);
    assertThat(priority("0 * * * *", Tier.FREE)).isGreaterThan(priority("0 3 * * *", Tier.PRO));
    assertThat(priority("0 * * * *", Tier.FREE)).isLessThan(priority("0 3 * * *", Tier.FREE));
  }
}
