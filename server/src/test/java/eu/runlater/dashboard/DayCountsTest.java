package eu.runlater.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.SqlTime;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The home page's day counts, kept up to date from what changed, always equal a count from scratch
 * — except a row written later than {@link DayCounts#SETTLE} after its start, which waits for the
 * next recount, as documented.
 */
class DayCountsTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired DayCounts counts;

  @Test
  void totals_follow_rows_that_arrive_settle_and_leave_the_day() {
    UUID org = fixtures.tenant().id();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Rows.execution(
        jdbc, org, null, t0.minus(Duration.ofHours(23)).minus(Duration.ofMinutes(59)), 1, "failed");
    Rows.execution(jdbc, org, null, t0.minus(Duration.ofHours(1)), 1, "failed");
    Rows.execution(jdbc, org, null, t0.minus(Duration.ofMinutes(2)), 1, "success");
    Rows.execution(jdbc, org, null, t0.minus(Duration.ofMinutes(2)), 0, "missed");
    Rows.execution(jdbc, org, null, t0.minus(Duration.ofMinutes(1)), 1, "blocked");
    assertThat(counts.counts(org, t0)).isEqualTo(fromScratch(org, t0));
    assertThat(counts.counts(org, t0).failures()).isEqualTo(3);

    // Two minutes on: the oldest failure left the day; a new success arrived.
    Rows.execution(jdbc, org, null, t0.plusSeconds(30), 1, "success");
    Instant t1 = t0.plus(Duration.ofMinutes(2));
    assertThat(counts.counts(org, t1)).isEqualTo(fromScratch(org, t1));
    assertThat(counts.counts(org, t1).failures()).isEqualTo(2);
    assertThat(counts.counts(org, t1).successes()).isEqualTo(2);

    // Six and a half minutes on: everything so far has settled into the totals.
    Rows.execution(jdbc, org, null, t1.plusSeconds(10), 1, "timeout");
    Rows.execution(jdbc, org, null, t1.plusSeconds(20), 2, "success");
    Instant t2 = t1.plus(Duration.ofSeconds(390));
    assertThat(counts.counts(org, t2)).isEqualTo(fromScratch(org, t2));
    Rows.execution(jdbc, org, null, t2.minusSeconds(5), 1, "lost");
    Instant t3 = t2.plus(Duration.ofSeconds(30));
    assertThat(counts.counts(org, t3)).isEqualTo(fromScratch(org, t3));

    // A row written long after its start (older than SETTLE) waits for the next recount, due
    // RECOUNT after the first count (t0).
    Rows.execution(jdbc, org, null, t0.minus(Duration.ofHours(3)), 1, "failed");
    Instant t4 = t3.plus(Duration.ofSeconds(30));
    assertThat(t4).isBefore(t0.plus(DayCounts.RECOUNT));
    DayCounts.Counts scratch = fromScratch(org, t4);
    assertThat(counts.counts(org, t4).failures()).isEqualTo(scratch.failures() - 1);
    Instant t5 = t0.plus(DayCounts.RECOUNT);
    assertThat(counts.counts(org, t5)).isEqualTo(fromScratch(org, t5));
  }

  @Test
  void organizations_are_counted_apart() {
    UUID a = fixtures.tenant().id();
    UUID b = fixtures.tenant().id();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Rows.execution(jdbc, a, null, now.minusSeconds(30), 1, "failed");
    Rows.execution(jdbc, b, null, now.minusSeconds(30), 1, "success");
    assertThat(counts.counts(a, now)).isEqualTo(new DayCounts.Counts(1, 0, runsToday(now, 1)));
    assertThat(counts.counts(b, now)).isEqualTo(new DayCounts.Counts(0, 1, runsToday(now, 1)));
  }

  /** {@code n} runs, if {@code now} minus 30 s is still today (UTC). */
  private static long runsToday(Instant now, long n) {
    return now.minusSeconds(30)
            .atOffset(ZoneOffset.UTC)
            .toLocalDate()
            .equals(now.atOffset(ZoneOffset.UTC).toLocalDate())
        ? n
        : 0;
  }

  private DayCounts.Counts fromScratch(UUID org, Instant now) {
    Instant midnight =
        now.atOffset(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    return jdbc.sql(
            """
            SELECT count(*) FILTER (WHERE status IN ('failed', 'timeout', 'blocked', 'lost')
                                      AND created_at > :day_ago) AS failures,
                   count(*) FILTER (WHERE status = 'success' AND created_at > :day_ago)
                     AS successes,
                   count(*) FILTER (WHERE attempt > 0 AND created_at >= :midnight) AS runs
            FROM executions WHERE organization_id = :org
            """)
        .param("org", org)
        .param("day_ago", SqlTime.ts(now.minus(DayCounts.DAY)))
        .param("midnight", SqlTime.ts(midnight))
        .query(
            (rs, n) ->
                new DayCounts.Counts(
                    rs.getLong("failures"), rs.getLong("successes"), rs.getLong("runs")))
        .single();
  }
}
