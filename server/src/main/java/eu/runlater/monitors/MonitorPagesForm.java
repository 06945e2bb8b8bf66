package eu.runlater.monitors;

import eu.runlater.engine.SealedRequests;
import eu.runlater.platform.errors.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The monitor form as typed: every field a string, so that a form with mistakes is shown again as
 * it was sent. {@link #toInput} makes the API's {@link MonitorInput} of the chosen kind (the other
 * kinds' fields left out), adding the form's own errors (a number that is not one, a secret header
 * renamed without its value).
 *
 * @param every heartbeat: {@code period} or {@code cron}
 * @param keywordMode {@code present} (the body must contain it) or {@code absent}
 */
record MonitorPagesForm(
    String kind,
    String name,
    String tags,
    String slug,
    String every,
    String period,
    String cron,
    String timezone,
    String grace,
    String maxRuntime,
    String url,
    String method,
    List<HeaderRow> headers,
    String body,
    String expectedStatuses,
    String keyword,
    String keywordMode,
    String maxResponseMs,
    boolean followRedirects,
    String interval,
    String timeout,
    String confirmations,
    String tlsExpiryDays) {

  record HeaderRow(String name, String value) {}

  static final List<String> KINDS = List.of("heartbeat", "http", "tcp");

  static MonitorPagesForm blank(String kind) {
    String k = KINDS.contains(kind) ? kind : "heartbeat";
    return new MonitorPagesForm(
        k,
        "",
        "",
        "",
        "period",
        "1h",
        "",
        "UTC",
        "5m",
        "",
        "",
        "GET",
        List.of(new HeaderRow("", "")),
        "",
        "200-299",
        "",
        "present",
        "",
        true,
        "5m",
        "10s",
        "2",
        "14");
  }

  /** The stored monitor as the form shows it: durations in words, secret header values masked. */
  static MonitorPagesForm of(Monitor m, JsonNode stored) {
    List<HeaderRow> headers = new ArrayList<>();
    JsonNode h = stored.get("headers");
    List<String> secret = new ArrayList<>();
    if (stored.has("secret_headers")) {
      stored.get("secret_headers").forEach(n -> secret.add(n.asString()));
    }
    if (h != null && h.isObject()) {
      for (String name : h.propertyNames()) {
        headers.add(
            new HeaderRow(
                name, secret.contains(name) ? SealedRequests.MASK : h.get(name).asString()));
      }
    }
    if (headers.isEmpty()) {
      headers.add(new HeaderRow("", ""));
    }
    return new MonitorPagesForm(
        m.kind(),
        m.name(),
        String.join(", ", m.tags()),
        nz(m.slug()),
        m.cron() != null ? "cron" : "period",
        m.periodS() == null ? "1h" : words(m.periodS()),
        nz(m.cron()),
        m.timeZone() == null ? "UTC" : m.timeZone(),
        m.graceS() == null ? "5m" : words(m.graceS()),
        m.maxRuntimeS() == null ? "" : words(m.maxRuntimeS()),
        m.url() == null ? "" : m.url(),
        m.method() == null ? "GET" : m.method(),
        headers,
        nz(m.body()),
        m.expectedStatuses() == null ? "200-299" : m.expectedStatuses(),
        nz(m.keyword()),
        m.keywordAbsent() ? "absent" : "present",
        m.maxResponseMs() == null ? "" : String.valueOf(m.maxResponseMs()),
        m.followRedirects(),
        m.intervalS() == null ? "5m" : words(m.intervalS()),
        m.timeoutS() == null ? "10s" : words(m.timeoutS()),
        String.valueOf(m.confirmations()),
        m.tlsExpiryDays() == null ? "0" : String.valueOf(m.tlsExpiryDays()));
  }

  static MonitorPagesForm from(HttpServletRequest request) {
    String[] names = request.getParameterValues("headerName");
    String[] values = request.getParameterValues("headerValue");
    List<HeaderRow> headers = new ArrayList<>();
    int n = names == null ? 0 : names.length;
    for (int i = 0; i < n; i++) {
      headers.add(
          new HeaderRow(
              names[i], values != null && i < values.length && values[i] != null ? values[i] : ""));
    }
    if (headers.isEmpty()) {
      headers.add(new HeaderRow("", ""));
    }
    String kind = param(request, "kind").strip().toLowerCase(Locale.ROOT);
    return new MonitorPagesForm(
        kind.isEmpty() ? "heartbeat" : kind,
        param(request, "name"),
        param(request, "tags"),
        param(request, "slug"),
        "cron".equals(param(request, "every")) ? "cron" : "period",
        param(request, "period"),
        param(request, "cron"),
        param(request, "timezone"),
        param(request, "grace"),
        param(request, "maxRuntime"),
        param(request, "url"),
        param(request, "method"),
        headers,
        param(request, "body"),
        param(request, "expectedStatuses"),
        param(request, "keyword"),
        "absent".equals(param(request, "keywordMode")) ? "absent" : "present",
        param(request, "maxResponseMs"),
        request.getParameter("followRedirects") != null,
        param(request, "interval"),
        param(request, "timeout"),
        param(request, "confirmations"),
        param(request, "tlsExpiryDays"));
  }

  private static String param(HttpServletRequest request, String name) {
    String v = request.getParameter(name);
    return v == null ? "" : v;
  }

  /**
   * The API's input of the chosen kind. {@code stored}: on an edit, the stored monitor with its
   * secrets in the clear ({@link MonitorView#patchTarget}), so that a header left masked keeps its
   * value; null for a new one.
   */
  MonitorInput toInput(JsonNode stored, List<FieldError> errors) {
    boolean heartbeat = "heartbeat".equals(kind);
    boolean http = "http".equals(kind);
    List<String> tagList =
        Arrays.stream(tags.split("[,\\s]+")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    LinkedHashMap<String, String> headerMap = null;
    List<String> secret = null;
    if (http) {
      headerMap = new LinkedHashMap<>();
      secret = new ArrayList<>();
      JsonNode storedHeaders = stored == null ? null : stored.get("headers");
      List<String> storedSecret = new ArrayList<>();
      if (stored != null && stored.has("secret_headers")) {
        stored.get("secret_headers").forEach(s -> storedSecret.add(s.asString()));
      }
      for (HeaderRow row : headers) {
        String name = row.name().strip();
        if (name.isEmpty()) {
          continue;
        }
        String value = row.value();
        if (SealedRequests.MASK.equals(value)) {
          JsonNode kept = storedHeaders == null ? null : storedHeaders.get(name);
          if (kept == null || !storedSecret.contains(name)) {
            errors.add(
                new FieldError(
                    "headers." + name, "has no stored value to keep: type its value again"));
            continue;
          }
          value = kept.asString();
          secret.add(name);
        }
        headerMap.put(name, value);
      }
    }
    return new MonitorInput(
        name,
        kind,
        tagList,
        heartbeat ? orNull(slug) : null,
        heartbeat && "period".equals(every) ? nz(period).strip() : null,
        heartbeat && "cron".equals(every) ? nz(cron).strip() : null,
        heartbeat && "cron".equals(every) ? orNull(timezone) : null,
        heartbeat ? orNull(grace) : null,
        heartbeat ? orNull(maxRuntime) : null,
        heartbeat ? null : nz(url).strip(),
        http ? orNull(method) : null,
        headerMap,
        secret == null || secret.isEmpty() ? null : secret,
        http ? orNull(body) : null,
        http ? orNull(expectedStatuses) : null,
        http && !nz(keyword).isEmpty() ? keyword : null,
        http && !nz(keyword).isEmpty() ? "absent".equals(keywordMode) : null,
        heartbeat ? null : integer("max_response_ms", maxResponseMs, errors),
        http ? followRedirects : null,
        heartbeat ? null : orNull(interval),
        heartbeat ? null : orNull(timeout),
        heartbeat ? null : integer("confirmations", confirmations, errors),
        http ? integer("tls_expiry_days", tlsExpiryDays, errors) : null);
  }

  private static Integer integer(String field, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      errors.add(new FieldError(field, "must be a whole number"));
      return null;
    }
  }

  private static String orNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Seconds as the shortest exact words the validator reads back: 3600 → 1h, 90 → 90s. */
  static String words(int seconds) {
    if (seconds > 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds > 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds > 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
