package eu.runlater.dashboard;

import static eu.runlater.dashboard.HomeQueries.EXECUTIONS_DAY_CHANGES;

import eu.runlater.engine.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The home page's counts — failures and successes in the last 24 hours, attempts since midnight UTC
 * — without reading a day of executions on every refresh (an open home page refreshes them on each
 * live event, up to once a second).
 *
 * <p>Per organization, this node keeps the totals up to {@code settled}, {@link #SETTLE} ago: an
 * execution row is written at most that long after its {@code created_at} (the attempt's start; the
 * longest timeout is 5 minutes), and rows are never changed afterwards, so what lies before {@code
 * settled} is final. A refresh reads, in one statement over the {@code (organization_id,
 * created_at)} index: the rows that left the 24 hours since the last refresh (subtracted), those
 * that settled since (added), and the unsettled tail (added to the answer only). So it costs the
 * rows of a few minutes, not of a day.
 *
 * <p>The totals are recounted from scratch every {@link #RECOUNT}, at midnight UTC, and when the
 * clock steps back — which bounds the error from a row written later than {@code SETTLE} (a
 * completion held up by a database outage) to that long. Each node counts for itself; nothing is
 * shared, and an organization nobody looked at for {@code RECOUNT} is forgotten.
 */
@Component
class DayCounts {
  static final Duration SETTLE = Duration.ofMinutes(6);
  static final Duration RECOUNT = Duration.ofMinutes(10);
  static final Duration DAY = Duration.ofDays(1);

  /** Failures and successes in the last 24 hours; attempts since midnight UTC. */
  record Counts(long failures, long successes, long runsToday) {}

  /** The totals over (start, settled]; runs over [midnight, settled]. */
  private static final class Totals {
    Instant start;
    Instant settled;
    Instant midnight;
    Instant countedAt;
    long failures;
    long successes;
    long runs;
  }

  private final JdbcClient jdbc;
  private final Map<UUID, Totals> totals = new ConcurrentHashMap<>();

  DayCounts(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Counts counts(UUID org, Instant now) {
    forgetIdle(now);
    Instant dayAgo = now.minus(DAY);
    Instant settled = now.minus(SETTLE);
    Instant midnight =
        now.atOffset(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    Totals t = totals.computeIfAbsent(org, k -> new Totals());
    synchronized (t) {
      boolean recount =
          t.countedAt == null
              || !now.isBefore(t.countedAt.plus(RECOUNT))
              || !midnight.equals(t.midnight)
              || settled.isBefore(t.settled);
      // A recount reads all of (dayAgo, now]; an update what left the day and what settled.
      Instant leaveFrom = recount ? dayAgo : t.start;
      Instant settledFrom = recount ? dayAgo : t.settled;
      long[] c =
          jdbc.sql(EXECUTIONS_DAY_CHANGES)
              .param("org", org)
              .param("leave_from", SqlTime.ts(leaveFrom))
              .param("leave_to", SqlTime.ts(dayAgo))
              .param("settled_from", SqlTime.ts(settledFrom))
              .param("settled_to", SqlTime.ts(settled))
              .param("midnight", SqlTime.ts(midnight))
              .query(
                  (rs, n) ->
                      new long[] {
                        rs.getLong("left_failures"),
                        rs.getLong("left_successes"),
                        rs.getLong("settled_failures"),
                        rs.getLong("settled_successes"),
                        rs.getLong("settled_runs"),
                        rs.getLong("tail_failures"),
                        rs.getLong("tail_successes"),
                        rs.getLong("tail_runs")
                      })
              .single();
      if (recount) {
        t.failures = c[2];
        t.successes = c[3];
        t.runs = c[4];
        t.countedAt = now;
        t.midnight = midnight;
      } else {
        t.failures += c[2] - c[0];
        t.successes += c[3] - c[1];
        t.runs += c[4];
      }
      t.start = dayAgo;
      t.settled = settled;
      return new Counts(t.failures + c[5], t.successes + c[6], t.runs + c[7]);
    }
  }

  private void forgetIdle(Instant now) {
    totals
        .entrySet()
        .removeIf(
            e -> {
              Instant counted = e.getValue().countedAt;
              return counted != null && now.isAfter(counted.plus(RECOUNT).plus(RECOUNT));
            });
  }
}
