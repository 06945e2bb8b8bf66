package eu.runlater.dashboard;

import static eu.runlater.dashboard.HomeQueries.*;

import eu.runlater.cron.CronSchedule;
import eu.runlater.engine.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** What the home page shows: the cards, the latest executions and what needs attention. */
@Service
class Home {
  static final int RECENT = 20;
  static final int ATTENTION = 20;

  /** How many cron jobs the "no success for two intervals" rule looks at per page load. */
  static final int SCHEDULE_SCAN = 2_000;

  /**
   * How many of a job's latest executions are searched for its last success; with none among them,
   * the job is overdue from the oldest of them. Bounds the work for a job that never succeeds.
   */
  static final int SUCCESS_SCAN = 100;

  /** Executions older than this are not "recent", which bounds the scan on a quiet org. */
  static final Duration RECENT_WINDOW = Duration.ofDays(7);

  private final JdbcClient jdbc;
  private final DayCounts dayCounts;
  private final NeedsAttention needs;
  private final InstantSource clock;
  private final RunOwners owners;

  Home(
      JdbcClient jdbc,
      DayCounts dayCounts,
      NeedsAttention needs,
      InstantSource clock,
      RunOwners owners) {
    this.owners = owners;
    this.jdbc = jdbc;
    this.dayCounts = dayCounts;
    this.needs = needs;
    this.clock = clock;
  }

  /** The four cards. {@code successRate} is null when nothing finished in 24 h. */
  record Cards(
      long activeJobs, long totalJobs, long failures24h, long runsToday, Double successRate) {}

  /**
   * Something that needs a look, and why.
   *
   * @param state its word in the state vocabulary (docs/states.md): held, overdue or failed
   * @param name what it is (a job, a queue's message, a host, a dead-letter list)
   * @param href where to look at it or act
   * @param reason why it is listed
   * @param since since when, or null
   */
  record Attention(String state, String name, String href, String reason, Instant since) {}

  Cards cards(UUID org) {
    long[] jobs =
        jdbc.sql(JOB_COUNTS)
            .param("org", org)
            .query((rs, n) -> new long[] {rs.getLong("active"), rs.getLong("total")})
            .single();
    DayCounts.Counts c = dayCounts.counts(org, clock.instant());
    long finished = c.failures() + c.successes();
    Double rate = finished == 0 ? null : 100.0 * c.successes() / finished;
    return new Cards(jobs[0], jobs[1], c.failures(), c.runsToday(), rate);
  }

  List<Runs.Run> recent(UUID org) {
    List<Runs.Run> runs =
        jdbc.sql(EXECUTIONS_RECENT)
            .param("org", org)
            .param("since", SqlTime.ts(clock.instant().minus(RECENT_WINDOW)))
            .param("limit", RECENT)
            .query(Runs::row)
            .list();
    return owners.named(org, runs);
  }

  /**
   * What needs a look, at most {@link #ATTENTION} items: held hosts, runs past their time (with
   * why), dead-letter lists that grew in the last day ({@link NeedsAttention}); then failing jobs
   * (their latest run failed), then cron jobs with no success for more than two intervals: two
   * scheduled times have passed since the last success (or since the job was created, or since the
   * oldest of its last {@link #SUCCESS_SCAN} executions when none of them succeeded), or since the
   * job was last re-enabled if that is later; computed in the job's own time zone.
   */
  List<Attention> attention(UUID org) {
    Instant now = clock.instant();
    List<Attention> result = new ArrayList<>(needs.list(org, ATTENTION));
    Set<UUID> seen = new LinkedHashSet<>();
    if (result.size() >= ATTENTION) {
      return result.subList(0, ATTENTION);
    }
    jdbc
        .sql(JOBS_FAILING)
        .param("org", org)
        .param("limit", ATTENTION)
        .query(
            (rs, n) -> {
              UUID id = rs.getObject("id", UUID.class);
              seen.add(id);
              return new Attention(
                  "failed",
                  rs.getString("name"),
                  "/jobs/" + id,
                  "Last run " + rs.getString("status"),
                  SqlTime.instant(rs, "created_at"));
            })
        .list()
        .stream()
        .limit(Math.max(0, ATTENTION - result.size()))
        .forEach(result::add);
    jdbc
        .sql(JOBS_LAST_SUCCESS)
        .param("org", org)
        .param("scan", SUCCESS_SCAN)
        .param("limit", SCHEDULE_SCAN)
        .query((rs, n) -> seen.contains(rs.getObject("id", UUID.class)) ? null : overdue(rs, now))
        .list()
        .stream()
        .filter(a -> a != null)
        .limit(Math.max(0, ATTENTION - result.size()))
        .forEach(result::add);
    return result;
  }

  /** The job of this row if it is overdue, else null. */
  private static Attention overdue(ResultSet rs, Instant now) throws SQLException {
    Instant success =
        "success".equals(rs.getString("latest_status"))
            ? SqlTime.instant(rs, "latest_at")
            : SqlTime.instant(rs, "success_at");
    Instant from;
    String reason;
    if (success != null) {
      from = success;
      reason = "No success for two intervals";
    } else if (rs.getLong("runs") >= SUCCESS_SCAN) {
      from = SqlTime.instant(rs, "oldest_at");
      reason = "No success in its last " + SUCCESS_SCAN + " runs";
    } else {
      from = SqlTime.instant(rs, "created_at");
      reason = "No successful run yet";
    }
    Instant resumed = SqlTime.instant(rs, "resumed_at");
    if (resumed != null && resumed.isAfter(from)) {
      from = resumed;
    }
    CronSchedule cron;
    ZoneId zone;
    try {
      cron = CronSchedule.parseCached(rs.getString("cron_expression"));
      zone = ZoneId.of(rs.getString("timezone"));
    } catch (RuntimeException e) {
      return null;
    }
    Instant first = cron.next(from, zone);
    Instant second = first == null ? null : cron.next(first, zone);
    if (second == null || !now.isAfter(second)) {
      return null;
    }
    return new Attention(
        "failed", rs.getString("name"), "/jobs/" + rs.getObject("id", UUID.class), reason, from);
  }
}
