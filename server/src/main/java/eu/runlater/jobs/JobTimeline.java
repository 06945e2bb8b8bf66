package eu.runlater.jobs;

import static eu.runlater.jobs.JobOverviewsQueries.TASKS_OF_JOB_BETWEEN;
import static eu.runlater.jobs.JobPausesQueries.JOB_PAUSES_BETWEEN;

import eu.runlater.engine.SqlTime;
import eu.runlater.executions.Executions;
import eu.runlater.hosts.Holds;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.Hold;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Planned versus actual: every occurrence the schedule planned in a window, and what happened to it
 * — the answer to "why didn't it run?". Runs that were not planned (manual triggers, retries from
 * the history, occurrences of an earlier schedule) are listed too, marked unplanned.
 */
@Service
class JobTimeline {
  static final Duration MAX_WINDOW = Duration.ofDays(31);
  static final int MAX_ENTRIES = 2_000;

  private final JobReads jobs;
  private final Executions executions;
  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final Holds holds;

  JobTimeline(
      JobReads jobs, Executions executions, JdbcClient jdbc, InstantSource clock, Holds holds) {
    this.holds = holds;
    this.jobs = jobs;
    this.executions = executions;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * @param status {@code ran}, {@code running}, {@code retrying}, {@code pending} (its task waits,
   *     not late), {@code held} (due and held, or waiting behind the job's earlier run that is),
   *     {@code overdue} (due over 30 s ago, no hold known), {@code planned} (future), {@code
   *     missed}, {@code skipped}, {@code over_quota}, {@code cancelled}, {@code paused}, or {@code
   *     not_run} (past, with nothing recorded)
   * @param outcome for {@code ran}: the last attempt's status (success, failed, timeout, …)
   * @param latenessMs for {@code ran}: first attempt's start minus the planned time
   * @param planned whether the schedule planned it (false for manual runs)
   * @param hold for {@code held} and {@code overdue}: what holds it (or the earlier run it waits
   *     behind), with the page to act on it
   */
  record Entry(
      Instant scheduledFor,
      String status,
      boolean planned,
      String outcome,
      Integer statusCode,
      Long latenessMs,
      Integer attempts,
      UUID executionId,
      String reason,
      Hold hold) {}

  record Timeline(UUID jobId, Instant from, Instant to, List<Entry> entries, boolean truncated) {}

  private record Attempt(
      UUID id,
      Instant scheduledFor,
      String status,
      boolean fin,
      Integer code,
      Instant started,
      String error,
      int attempt) {}

  private record Pause(Instant from, Instant to) {}

  /**
   * What the entries are judged against: now, the pauses, and the job's earliest due run that has
   * not started (null if none) with what holds it. A cron job's next occurrence is only made when
   * its pending one starts, so while that one is held the occurrences after it have no task of
   * their own: they wait behind it, and the catch-up policy decides their fate when it starts.
   */
  private record Context(
      Instant now, List<Pause> pauses, String url, Holds.Lookup holds, Instant waiting) {}

  Timeline timeline(UUID organizationId, UUID jobId, Instant from, Instant to) {
    Job job = jobs.get(organizationId, jobId);
    Instant now = clock.instant();
    if (to == null) {
      to = now.plus(Duration.ofDays(1));
    }
    if (from == null) {
      from = to.minus(Duration.ofDays(2));
    }
    if (!from.isBefore(to)) {
      throw ApiProblem.invalid("from", "must be before to");
    }
    if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
      throw ApiProblem.invalid("to", "the window may span at most 31 days");
    }

    // Planned by the current schedule, from when it took effect.
    List<Instant> plan = new ArrayList<>();
    boolean truncated = false;
    switch (job.schedule()) {
      case Schedule.Once once -> {
        if (!once.at().isBefore(from) && !once.at().isAfter(to)) {
          plan.add(once.at());
        }
      }
      case Schedule.Cron cron -> {
        Instant start = from.isAfter(job.scheduleChangedAt()) ? from : job.scheduleChangedAt();
        plan.addAll(cron.cron().between(start.minusNanos(1), to, cron.zone(), MAX_ENTRIES + 1));
        if (plan.size() > MAX_ENTRIES) {
          plan = plan.subList(0, MAX_ENTRIES);
          truncated = true;
        }
      }
    }

    TreeMap<Instant, List<Attempt>> actual = new TreeMap<>();
    for (Attempt a : attempts(organizationId, jobId, from, to)) {
      actual.computeIfAbsent(a.scheduledFor(), k -> new ArrayList<>()).add(a);
    }
    Map<Instant, String> tasks = tasks(organizationId, jobId, from, to);
    List<Pause> pauses = pauses(jobId, from, to);
    Instant waiting =
        tasks.entrySet().stream()
            .filter(t -> waits(t.getValue()) && !t.getKey().isAfter(now))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    // The holds are read when a run waits past its time, or when the engine holds one, due or not
    // (it holds a host's waiting runs when its circuit opens, those not yet due included).
    boolean held = tasks.containsValue("held");
    Context context =
        new Context(
            now,
            pauses,
            job.request().url(),
            waiting == null && !held ? null : holds.forOrganization(organizationId),
            waiting);

    Map<Instant, Entry> entries = new LinkedHashMap<>();
    for (Instant p : plan) {
      entries.put(p, entry(p, true, actual.get(p), tasks.get(p), context));
    }
    for (var e : actual.entrySet()) {
      if (!entries.containsKey(e.getKey())) {
        entries.put(
            e.getKey(), entry(e.getKey(), false, e.getValue(), tasks.get(e.getKey()), context));
      }
    }
    List<Entry> ordered = new ArrayList<>(entries.values());
    ordered.sort(Comparator.comparing(Entry::scheduledFor));
    return new Timeline(jobId, from, to, ordered, truncated);
  }

  private static Entry entry(
      Instant at, boolean planned, List<Attempt> attempts, String task, Context context) {
    Instant now = context.now();
    if (attempts != null && !attempts.isEmpty()) {
      List<Attempt> http = attempts.stream().filter(a -> a.attempt() > 0).toList();
      if (http.isEmpty()) {
        Attempt event = attempts.getLast();
        String status = event.status();
        if ("skipped".equals(status)
            && event.error() != null
            && event.error().startsWith("over quota")) {
          status = "over_quota";
        }
        return new Entry(at, status, planned, null, null, null, 0, event.id(), event.error(), null);
      }
      Attempt first = http.getFirst();
      Attempt last = http.getLast();
      Long lateness =
          first.started() == null
              ? null
              : Math.max(0, Duration.between(at, first.started()).toMillis());
      String status = last.fin() ? "ran" : "running".equals(task) ? "running" : "retrying";
      return new Entry(
          at,
          status,
          planned,
          last.status(),
          last.code(),
          lateness,
          http.size(),
          last.id(),
          last.error(),
          null);
    }
    if (task != null) {
      Hold hold =
          waits(task) && context.holds() != null
              ? context.holds().explain(context.url(), "held".equals(task) ? null : at)
              : null;
      if (hold == null && "held".equals(task)) {
        hold = Hold.of("host_circuit", "Held: its target's circuit is open");
      }
      if (hold != null) {
        return new Entry(at, late(hold), planned, null, null, null, 0, null, words(hold), hold);
      }
      return new Entry(
          at, waits(task) ? "pending" : "running", planned, null, null, null, 0, null, null, null);
    }
    for (Pause p : context.pauses()) {
      if (!at.isBefore(p.from()) && (p.to() == null || at.isBefore(p.to()))) {
        return new Entry(
            at, "paused", planned, null, null, null, 0, null, "the job was paused", null);
      }
    }
    if (at.isAfter(now)) {
      return new Entry(at, "planned", planned, null, null, null, 0, null, null, null);
    }
    if (context.waiting() != null && at.isAfter(context.waiting())) {
      // No task of its own yet: it waits behind the job's earlier due run (see Context).
      Hold hold = context.holds().explain(context.url(), context.waiting());
      String behind =
          "waits behind the run due at "
              + context.waiting()
              + (hold == null ? "" : ", " + lower(words(hold)))
              + "; when that run starts, the catch-up policy decides whether this one runs or is"
              + " recorded as missed";
      return new Entry(
          at,
          hold == null || "backlog".equals(hold.kind()) ? "overdue" : "held",
          planned,
          null,
          null,
          null,
          0,
          null,
          behind,
          hold);
    }
    return new Entry(
        at,
        "not_run",
        planned,
        null,
        null,
        null,
        0,
        null,
        "nothing was recorded for this occurrence",
        null);
  }

  /** Whether a task of this engine state waits to start ({@code ready}, or {@code held}). */
  private static boolean waits(String task) {
    return "ready".equals(task) || "held".equals(task);
  }

  /** A late run's state: {@code overdue} when no hold is known, else {@code held}. */
  private static String late(Hold hold) {
    return "backlog".equals(hold.kind()) ? "overdue" : "held";
  }

  private static String words(Hold hold) {
    return hold.summary()
        + (hold.until() == null ? "" : " (until " + hold.until() + ")")
        + (hold.detail() == null ? "" : ". " + hold.detail());
  }

  private static String lower(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private List<Attempt> attempts(UUID organizationId, UUID jobId, Instant from, Instant to) {
    return executions.scheduledBetween(organizationId, jobId, from, to).stream()
        .map(
            e ->
                new Attempt(
                    e.id(),
                    e.scheduledFor(),
                    e.status(),
                    e.finalAttempt(),
                    e.statusCode(),
                    e.startedAt(),
                    e.error(),
                    e.attempt()))
        .toList();
  }

  /** The job's live tasks (waiting, running, retrying) for occurrences in the window. */
  private Map<Instant, String> tasks(UUID organizationId, UUID jobId, Instant from, Instant to) {
    Map<Instant, String> tasks = new TreeMap<>();
    jdbc.sql(TASKS_OF_JOB_BETWEEN)
        .param("org", organizationId)
        .param("job", jobId)
        .param("from", SqlTime.ts(from))
        .param("to", SqlTime.ts(to))
        .query(
            (rs, n) -> {
              tasks.merge(
                  SqlTime.instant(rs, "scheduled_for"),
                  rs.getString("state"),
                  (a, b) -> "running".equals(a) ? a : b);
              return null;
            })
        .list();
    return tasks;
  }

  private List<Pause> pauses(UUID jobId, Instant from, Instant to) {
    return jdbc.sql(JOB_PAUSES_BETWEEN)
        .param("job", jobId)
        .param("from", SqlTime.ts(from))
        .param("to", SqlTime.ts(to))
        .query(
            (rs, n) ->
                new Pause(SqlTime.instant(rs, "paused_at"), SqlTime.instant(rs, "resumed_at")))
        .list();
  }
}
