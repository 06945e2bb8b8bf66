package eu.runlater.dashboard;

import eu.runlater.executions.ExecutionStatuses;
import eu.runlater.hosts.Holds;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What the runs log is asked for, as typed (to show in the form and carry into the page links) and
 * as understood. A value that cannot be understood leaves an error under its field's name, and the
 * page shows it instead of rows. Times are datetime-local values read as UTC.
 *
 * @param status an execution status ({@link ExecutionStatuses#ALL}), or null
 * @param job a job id of the organization, or null
 * @param queue a queue name, or null
 * @param topic a topic name, or null
 * @param host a target as typed ({@code https://api.example.com:443}, a URL or a host name), or
 *     null
 * @param from the earliest start (inclusive) as typed, or null
 * @param to the latest start (exclusive) as typed, or null
 */
record RunFilter(
    String status, String job, String queue, String topic, String host, String from, String to) {

  RunFilter {
    status = blankToNull(status);
    job = blankToNull(job);
    queue = blankToNull(queue);
    topic = blankToNull(topic);
    host = blankToNull(host);
    from = blankToNull(from);
    to = blankToNull(to);
  }

  static final RunFilter NONE = new RunFilter(null, null, null, null, null, null, null);

  /** Whether any filter is set. */
  boolean any() {
    return !equals(NONE);
  }

  /** The filter as a query string (without "?"), for links that keep it. */
  String query() {
    UriComponentsBuilder b = UriComponentsBuilder.newInstance();
    add(b, "status", status);
    add(b, "job", job);
    add(b, "queue", queue);
    add(b, "topic", topic);
    add(b, "host", host);
    add(b, "from", from);
    add(b, "to", to);
    String q = b.encode().build().getQuery();
    return q == null ? "" : q;
  }

  /** The problems with the filter, by field; empty when it is understood. */
  Map<String, String> errors() {
    Map<String, String> errors = new LinkedHashMap<>();
    if (status != null && !ExecutionStatuses.ALL.contains(status)) {
      errors.put(
          "status",
          "Unknown status \""
              + status
              + "\": choose one of "
              + String.join(", ", ExecutionStatuses.ALL.stream().sorted().toList())
              + ".");
    }
    if (job != null && jobId() == null) {
      errors.put("job", "\"" + job + "\" is not a job id; pick a job from the list.");
    }
    if (host != null && target() == null) {
      errors.put("host", "\"" + host + "\" is not a host; write api.example.com or a URL.");
    }
    Instant f = null;
    Instant t = null;
    if (from != null && (f = instant(from)) == null) {
      errors.put("from", "\"" + from + "\" is not a date and time; use 2026-05-01T09:30.");
    }
    if (to != null && (t = instant(to)) == null) {
      errors.put("to", "\"" + to + "\" is not a date and time; use 2026-05-01T09:30.");
    }
    if (f != null && t != null && !f.isBefore(t)) {
      errors.put("to", "\"To\" must be later than \"From\".");
    }
    return errors;
  }

  UUID jobId() {
    if (job == null) {
      return null;
    }
    try {
      return UUID.fromString(job);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  Instant fromInstant() {
    return from == null ? null : instant(from);
  }

  Instant toInstant() {
    return to == null ? null : instant(to);
  }

  /**
   * The engine's key of the host asked for ({@code https://host:443}): a URL or target as is; a
   * bare host name (with or without a port) as https. Null when none or not a host.
   */
  String target() {
    if (host == null) {
      return null;
    }
    String t = Holds.target(host.contains("://") ? host : "https://" + host);
    return t.isEmpty() ? null : t;
  }

  /**
   * A PostgreSQL regular expression (case-insensitive) matching the URLs whose target is {@link
   * #target}: its scheme, any user info, its host, and its port written out or left to the default.
   */
  String hostPattern() {
    String t = target();
    return t == null ? null : Holds.urlPattern(t);
  }

  private static Instant instant(String value) {
    try {
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void add(UriComponentsBuilder b, String name, String value) {
    if (value != null) {
      b.queryParam(name, value);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
