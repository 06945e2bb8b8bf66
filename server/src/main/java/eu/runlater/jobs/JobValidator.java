package eu.runlater.jobs;

import eu.runlater.engine.TaskRequest;
import eu.runlater.engine.cron.CronParseException;
import eu.runlater.engine.cron.CronSchedule;
import eu.runlater.engine.http.Header;
import eu.runlater.engine.http.TargetPolicy;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Checks a {@link JobInput} against the delivery contract's limits and collects every problem, each
 * naming its field and the fix, before anything is stored.
 */
@Component
class JobValidator {
  static final int MAX_NAME = 200;
  static final int MAX_URL = 2_048;
  static final int MAX_HEADERS = 50;
  static final int MAX_HEADER_BYTES = 16 * 1024;
  static final int DEFAULT_TIMEOUT_MS = 30_000;
  static final int DEFAULT_ONCE_RETRIES = 5;

  /** Cron jobs do not retry by default: the next occurrence is the retry. */
  static final int DEFAULT_CRON_RETRIES = 0;

  static final int MAX_RETRIES = 10;
  static final Duration MAX_AHEAD = Duration.ofDays(366);
  static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);
  static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  static final Set<String> RESERVED_HEADERS =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "user-agent",
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern DELAY = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

  private final TargetPolicy policy;

  JobValidator(TargetPolicy policy) {
    this.policy = policy;
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
    String url = in.url() == null ? "" : in.url().strip();
    if (url.isEmpty()) {
      errors.add(new FieldError("url", "is required: the http(s) URL to call"));
    } else if (url.length() > MAX_URL) {
      errors.add(new FieldError("url", "must be at most " + MAX_URL + " characters"));
    } else {
      String problem = checkUrl(url);
      if (problem != null) {
        errors.add(new FieldError("url", problem));
      }
    }

    byte[] body = body(in, errors);
    String method =
        in.method() == null
            ? (body == null ? "GET" : "POST")
            : in.method().strip().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      errors.add(
          new FieldError("method", "must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"));
    } else if (body != null && (method.equals("GET") || method.equals("HEAD"))) {
      errors.add(new FieldError("body", method + " requests carry no body; use POST or PUT"));
    }

    List<Header> headers = headers(in, body, errors);
    Set<String> secretHeaders = new LinkedHashSet<>();
    if (in.secretHeaders() != null) {
      for (String n : in.secretHeaders()) {
        boolean present = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase(n));
        if (!present) {
          errors.add(
              new FieldError("secret_headers", "names '" + n + "', which is not in headers"));
        }
        secretHeaders.add(n);
      }
    }

    int timeout = in.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : in.timeoutMs();
    if (timeout < TaskRequest.MIN_TIMEOUT_MS || timeout > TaskRequest.MAX_TIMEOUT_MS) {
      errors.add(new FieldError("timeout_ms", "must be 1000 to 300000 (1 s to 5 min)"));
    }
    boolean cron =
        in.schedule() != null ? "cron".equals(in.schedule().type()) : keep instanceof Schedule.Cron;
    int retries =
        in.retries() == null ? (cron ? DEFAULT_CRON_RETRIES : DEFAULT_ONCE_RETRIES) : in.retries();
    if (retries < 0 || retries > MAX_RETRIES) {
      errors.add(new FieldError("retries", "must be 0 to " + MAX_RETRIES));
    }
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
        url,
        method,
        headers,
        secretHeaders,
        body,
        Boolean.TRUE.equals(in.secretBody()),
        timeout,
        retries,
        schedule,
        in.enabled() == null || in.enabled(),
        catchUp,
        overlap);
  }

  private String checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a valid URL (" + e.getReason() + ")";
    }
    return policy.checkUrl(uri);
  }

  private static byte[] body(JobInput in, List<FieldError> errors) {
    if (in.body() == null || in.body().isNull() || in.body().isMissingNode()) {
      return null;
    }
    String text = in.body().isString() ? in.body().asString() : in.body().toString();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > TaskRequest.MAX_BODY_BYTES) {
      errors.add(
          new FieldError(
              "body",
              "is "
                  + bytes.length
                  + " bytes; the limit is "
                  + TaskRequest.MAX_BODY_BYTES
                  + " bytes (256 KB)"));
    }
    return bytes;
  }

  private static List<Header> headers(JobInput in, byte[] body, List<FieldError> errors) {
    Map<String, String> given = in.headers() == null ? new LinkedHashMap<>() : in.headers();
    List<Header> headers = new ArrayList<>();
    int bytes = 0;
    if (given.size() > MAX_HEADERS) {
      errors.add(new FieldError("headers", "at most " + MAX_HEADERS + " headers"));
    }
    for (var e : given.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      String field = "headers." + name;
      if (!TOKEN.matcher(name).matches()) {
        errors.add(new FieldError(field, "is not a valid header name"));
        continue;
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))
          || name.toLowerCase(Locale.ROOT).startsWith("runlater-")) {
        errors.add(
            new FieldError(field, "is set by Runlater itself (or by HTTP) and cannot be given"));
        continue;
      }
      if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        errors.add(new FieldError(field, "must be a string without line breaks"));
        continue;
      }
      bytes += name.length() + value.length();
      headers.add(new Header(name, value));
    }
    if (bytes > MAX_HEADER_BYTES) {
      errors.add(new FieldError("headers", "total at most " + MAX_HEADER_BYTES + " bytes"));
    }
    boolean hasType = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("content-type"));
    if (body != null && !hasType) {
      boolean json = in.body() != null && !in.body().isString();
      headers.add(
          new Header("Content-Type", json ? "application/json" : "text/plain; charset=utf-8"));
    }
    return headers;
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
    if (in.expression() != null || in.timezone() != null) {
      errors.add(
          new FieldError(
              "schedule", "'expression' and 'timezone' belong to cron schedules, not 'once'"));
      return null;
    }
    if ((in.at() == null) == (in.delay() == null)) {
      errors.add(new FieldError("schedule", "give exactly one of 'at' and 'delay'"));
      return null;
    }
    Instant at;
    if (in.at() != null) {
      try {
        at = OffsetDateTime.parse(in.at()).toInstant();
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "schedule.at", "must be an RFC 3339 timestamp such as 2026-01-31T09:00:00Z"));
        return null;
      }
      if (at.isBefore(now.minus(PAST_TOLERANCE))) {
        errors.add(
            new FieldError(
                "schedule.at", "is in the past; give a future time, or a delay of 0s to run now"));
        return null;
      }
    } else {
      Duration delay = parseDelay(in.delay());
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
    return new Schedule.Once(at.isBefore(now) ? now : at);
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
    if (timezone == null || timezone.isBlank()) {
      return ZoneId.of("UTC");
    }
    String wanted = timezone.strip();
    for (String id : ZoneId.getAvailableZoneIds()) {
      if (id.equalsIgnoreCase(wanted)) {
        return ZoneId.of(id);
      }
    }
    errors.add(
        new FieldError(
            field,
            "'"
                + timezone
                + "' is not an IANA time zone; use a name such as Europe/Oslo,"
                + " America/New_York or UTC"));
    return null;
  }

  static Duration parseDelay(String text) {
    String value = text.strip();
    Matcher m = DELAY.matcher(value);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      Duration d = Duration.parse(value);
      return d.isNegative() ? null : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
