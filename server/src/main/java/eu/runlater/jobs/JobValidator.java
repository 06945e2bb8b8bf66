package eu.runlater.jobs;

import eu.runlater.cron.CronParseException;
import eu.runlater.cron.CronSchedule;
import eu.runlater.platform.TimeZones;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.workflows.WorkflowStarts;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Checks a {@link JobInput} against the delivery contract's limits and collects every problem, each
 * naming its field and the fix, before anything is stored.
 */
@Component
class JobValidator {
  static final int MAX_NAME = 200;
  static final int DEFAULT_ONCE_RETRIES = 5;

  /** Cron jobs do not retry by default: the next occurrence is the retry. */
  static final int DEFAULT_CRON_RETRIES = 0;

  static final Duration MAX_AHEAD = Duration.ofDays(366);
  static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

  private final RequestRules rules;

  JobValidator(RequestRules rules) {
    this.rules = rules;
  }

  JobDraft validate(JobInput in, Instant now) {
    return validate(in, now, null);
  }

  /**
   * @param keep the schedule to keep when the input has none (a PATCH that leaves the schedule
   *     alone, whose time may well have passed)
   */
  JobDraft validate(JobInput in, Instant now, Schedule keep) {
    List<FieldError> errors = new ArrayList<>();

    String name = in.name() == null ? "" : in.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      errors.add(new FieldError("name", "is required, 1 to " + MAX_NAME + " characters"));
    }
    String key = in.key();
    if (key != null && !KEY.matcher(key).matches()) {
      errors.add(
          new FieldError(
              "key",
              "must be 1 to 128 characters of letters, digits and . _ : / -, starting with a"
                  + " letter or digit"));
    }
    RequestRules.Draft request =
        in.workflow() != null
            ? workflowRequest(in, errors)
            : rules.request(
                in.url(),
                in.method(),
                in.headers(),
                in.secretHeaders(),
                in.body(),
                in.secretBody(),
                in.timeoutMs(),
                errors);
    boolean cron =
        in.schedule() != null ? "cron".equals(in.schedule().type()) : keep instanceof Schedule.Cron;
    int retries =
        RequestRules.retries(
            in.retries(), cron ? DEFAULT_CRON_RETRIES : DEFAULT_ONCE_RETRIES, errors);
    Schedule schedule =
        in.schedule() == null && keep != null ? keep : schedule(in.schedule(), now, errors);

    Policies.CatchUp catchUp = Policies.CatchUp.LATEST;
    if (in.catchUp() != null) {
      try {
        catchUp = Policies.CatchUp.of(in.catchUp());
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("catch_up", "must be latest, none or all"));
      }
    }
    Policies.Overlap overlap = Policies.Overlap.ALLOW;
    if (in.overlap() != null) {
      try {
        overlap = Policies.Overlap.of(in.overlap());
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("overlap", "must be allow, forbid or replace"));
      }
    }

    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new JobDraft(
        name,
        key,
        request,
        retries,
        schedule,
        in.enabled() == null || in.enabled(),
        catchUp,
        overlap);
  }

  /**
   * A workflow target as the request the job's tasks carry: a POST of the input to the workflow's
   * start URL ({@link WorkflowStarts}). Whether the workflow exists and takes the input is asked at
   * store time, with the organization ({@link JobCommands}).
   */
  private static RequestRules.Draft workflowRequest(JobInput in, List<FieldError> errors) {
    int before = errors.size();
    JobInput.WorkflowTarget target = in.workflow();
    if (in.url() != null) {
      errors.add(new FieldError("url", "give either url or workflow, not both"));
    }
    if (in.method() != null) {
      errors.add(new FieldError("method", "is not given with a workflow target"));
    }
    if ((in.headers() != null && !in.headers().isEmpty())
        || (in.secretHeaders() != null && !in.secretHeaders().isEmpty())) {
      errors.add(new FieldError("headers", "are not given with a workflow target"));
    }
    if (in.body() != null || Boolean.TRUE.equals(in.secretBody())) {
      errors.add(new FieldError("body", "is not given with a workflow target: use workflow.input"));
    }
    RequestRules.Draft draft =
        WorkflowStarts.draft(
            target.key(), target.input(), in.timeoutMs(), "workflow.key", "workflow.input", errors);
    return errors.size() > before ? null : draft;
  }

  private static Schedule schedule(
      JobInput.ScheduleInput in, Instant now, List<FieldError> errors) {
    if (in == null) {
      errors.add(
          new FieldError(
              "schedule",
              "is required: {\"type\": \"once\", \"at\": \"<RFC 3339>\"}, {\"type\":"
                  + " \"once\", \"delay\": \"90s\"} or {\"type\": \"cron\", \"expression\":"
                  + " \"*/5 * * * *\", \"timezone\": \"Europe/Oslo\"}"));
      return null;
    }
    if ("cron".equals(in.type())) {
      return cron(in, errors);
    }
    if (!"once".equals(in.type())) {
      errors.add(new FieldError("schedule.type", "must be 'once' or 'cron'"));
      return null;
    }
    if (in.expression() != null) {
      errors.add(new FieldError("schedule", "'expression' belongs to cron schedules, not 'once'"));
      return null;
    }
    if ((in.at() == null) == (in.delay() == null)) {
      errors.add(new FieldError("schedule", "give exactly one of 'at' and 'delay'"));
      return null;
    }
    ZoneId zone = null;
    if (in.timezone() != null) {
      zone = zone(in.timezone(), "schedule.timezone", errors);
      if (zone == null) {
        return null;
      }
    }
    Instant at;
    if (in.at() != null) {
      at = onceAt(in.at(), zone, errors);
      if (at == null) {
        return null;
      }
      if (at.isBefore(now.minus(PAST_TOLERANCE))) {
        errors.add(
            new FieldError(
                "schedule.at", "is in the past; give a future time, or a delay of 0s to run now"));
        return null;
      }
    } else {
      Duration delay = RequestRules.parseDelay(in.delay());
      if (delay == null) {
        errors.add(
            new FieldError(
                "schedule.delay",
                "must look like 500ms, 90s, 15m, 2h, 1d or an ISO-8601 duration"));
        return null;
      }
      at = now.plus(delay);
    }
    if (at.isAfter(now.plus(MAX_AHEAD))) {
      errors.add(new FieldError("schedule", "must be at most one year ahead"));
      return null;
    }
    return new Schedule.Once(at.isBefore(now) ? now : at, zone);
  }

  /**
   * A one-time schedule's {@code at}: an RFC 3339 timestamp, or — with a zone — a local date and
   * time in that zone. A local time skipped by a change to summer time is refused; one repeated by
   * the change back means the earlier of the two.
   */
  private static Instant onceAt(String text, ZoneId zone, List<FieldError> errors) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notOffset) {
      // a local time, perhaps
    }
    if (zone == null) {
      errors.add(
          new FieldError(
              "schedule.at",
              "must be an RFC 3339 timestamp such as 2026-01-31T09:00:00Z (or a local time such as"
                  + " 2026-01-31T09:00 with a 'timezone')"));
      return null;
    }
    LocalDateTime local;
    try {
      local = LocalDateTime.parse(text);
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              "schedule.at",
              "must be a local time such as 2026-01-31T09:00 in "
                  + zone.getId()
                  + ", or an RFC 3339 timestamp such as 2026-01-31T09:00:00Z"));
      return null;
    }
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      errors.add(
          new FieldError(
              "schedule.at",
              "does not exist in "
                  + zone.getId()
                  + ": the clocks skip it for daylight saving time; pick a time outside the"
                  + " skipped hour"));
      return null;
    }
    return local.toInstant(offsets.getFirst());
  }

  private static Schedule cron(JobInput.ScheduleInput in, List<FieldError> errors) {
    if (in.at() != null || in.delay() != null) {
      errors.add(
          new FieldError("schedule", "'at' and 'delay' belong to one-time schedules, not 'cron'"));
      return null;
    }
    CronSchedule cron = null;
    try {
      cron = CronSchedule.parse(in.expression());
    } catch (CronParseException e) {
      errors.add(new FieldError("schedule.expression", e.getMessage()));
    }
    ZoneId zone = zone(in.timezone(), "schedule.timezone", errors);
    return cron == null || zone == null ? null : new Schedule.Cron(cron, zone);
  }

  /** An IANA zone id, matched case-insensitively; UTC when absent. */
  static ZoneId zone(String timezone, String field, List<FieldError> errors) {
    return TimeZones.parse(timezone, field, errors);
  }
}
