package eu.runlater.jobs;

import static eu.runlater.jobs.JobOverviewsQueries.*;
import static eu.runlater.jobs.JobsQueries.JOB_UPDATED_AT;

import eu.runlater.engine.SqlTime;
import eu.runlater.executions.Executions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What the jobs pages read beside {@link JobReads}: a sortable list, statistics, live versions. */
@Component
class JobOverviews {
  static final int PAGE_SIZE = 25;

  private final JdbcClient jdbc;
  private final Executions executions;

  JobOverviews(JdbcClient jdbc, Executions executions) {
    this.jdbc = jdbc;
    this.executions = executions;
  }

  enum Sort {
    NEWEST(JOB_PAGE_BY_NEWEST, JOB_PAGE_ANY_HEALTH_BY_NEWEST),
    NAME(JOB_PAGE_BY_NAME, JOB_PAGE_ANY_HEALTH_BY_NAME),
    NEXT_RUN(JOB_PAGE_BY_NEXT_RUN, JOB_PAGE_BY_NEXT_RUN),
    LAST_RUN(JOB_PAGE_BY_LAST_RUN, JOB_PAGE_BY_LAST_RUN);

    private final String sql;

    /** The same page when no health filter applies. */
    private final String anyHealthSql;

    Sort(String sql, String anyHealthSql) {
      this.sql = sql;
      this.anyHealthSql = anyHealthSql;
    }

    String code() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Sort of(String code) {
      for (Sort s : values()) {
        if (s.code().equals(code)) {
          return s;
        }
      }
      return NEWEST;
    }
  }

  /**
   * @param enabled null for all
   * @param health {@code healthy}, {@code failing} or null for all
   */
  record Filter(String query, Boolean enabled, String health, Sort sort) {}

  record Page(List<JobRows.JobWithState> rows, long total, int page, int pages) {}

  Page page(UUID organizationId, Filter filter, int page) {
    boolean anyHealth = filter.health() == null;
    long total =
        bind(jdbc.sql(anyHealth ? JOB_COUNT_ANY_HEALTH : JOB_PAGE_COUNT), organizationId, filter)
            .query(Long.class)
            .single();
    int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    int current = Math.min(Math.max(1, page), pages);
    List<JobRows.JobWithState> rows =
        bind(
                jdbc.sql(anyHealth ? filter.sort().anyHealthSql : filter.sort().sql),
                organizationId,
                filter)
            .param("limit", PAGE_SIZE)
            .param("offset", (current - 1) * PAGE_SIZE)
            .query((rs, n) -> new JobRows.JobWithState(JobRows.job(rs), JobRows.state(rs)))
            .list();
    return new Page(rows, total, current, pages);
  }

  boolean any(UUID organizationId) {
    return jdbc.sql(JOB_ANY).param("organization_id", organizationId).query(Boolean.class).single();
  }

  private static JdbcClient.StatementSpec bind(
      JdbcClient.StatementSpec spec, UUID organizationId, Filter filter) {
    String q =
        filter.query() == null || filter.query().isBlank()
            ? null
            : filter.query().strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return spec.param("organization_id", organizationId)
        .param("enabled", filter.enabled())
        .param("q", q)
        .param("health", filter.health());
  }

  /**
   * The version of what a job's page shows live: when the job last changed, and its history's
   * version ({@link Executions#sourceVersion}), counting the executions that started after {@code
   * from}; null when the job is not the organization's. The version starts with {@code from}, so
   * that a later check counts from the same instant: a fixed start makes the count grow only, never
   * drop as rows age.
   */
  String liveVersion(UUID organizationId, UUID jobId, Instant from) {
    return jdbc.sql(JOB_UPDATED_AT)
        .param("organization_id", organizationId)
        .param("id", jobId)
        .query((rs, n) -> SqlTime.instant(rs, "updated_at"))
        .optional()
        .map(
            updated ->
                from.toEpochMilli()
                    + "."
                    + updated.toEpochMilli()
                    + "."
                    + executions.sourceVersion(organizationId, jobId, from))
        .orElse(null);
  }

  /** Whether a job page at {@code version} still shows what it would show now. */
  boolean liveUnchanged(UUID organizationId, UUID jobId, String version) {
    int dot = version.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    long from;
    try {
      from = Long.parseLong(version.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    return version.equals(liveVersion(organizationId, jobId, Instant.ofEpochMilli(from)));
  }

  Executions.Stats stats(UUID organizationId, UUID jobId, Instant since) {
    return executions.stats(organizationId, jobId, since);
  }

  /**
   * @param rate successes per attempt in percent, null on a day without attempts
   */
  record Day(LocalDate day, long total, long succeeded, Integer rate) {}

  /** One entry per UTC day, oldest first, {@code days} of them ending today. */
  List<Day> daily(UUID organizationId, UUID jobId, Instant now, int days) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate first = today.minusDays(days - 1L);
    Map<LocalDate, long[]> counts = new HashMap<>();
    for (Executions.DayCount c :
        executions.daily(organizationId, jobId, first.atStartOfDay(ZoneOffset.UTC).toInstant())) {
      counts.put(c.day(), new long[] {c.total(), c.succeeded()});
    }
    List<Day> result = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
      long[] c = counts.getOrDefault(d, new long[] {0, 0});
      Integer rate = c[0] == 0 ? null : (int) Math.round(100.0 * c[1] / c[0]);
      result.add(new Day(d, c[0], c[1], rate));
    }
    return result;
  }
}
