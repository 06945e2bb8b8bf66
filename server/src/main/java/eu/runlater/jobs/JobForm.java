package eu.runlater.jobs;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * The job form as typed: every field a string, so that a form with mistakes is shown again exactly
 * as it was sent. Secret values are never put into the page: they show as {@link
 * SealedRequests#MASK}, and a mask sent back means "keep the stored value" of the header with that
 * name (a renamed header has none, so it must be given its value again).
 *
 * <p>The target is an HTTP request or a workflow ({@code target}): the page posts the fields of
 * both (without JavaScript it shows both), and the chosen one decides what is saved; the other's
 * fields are ignored.
 */
record JobForm(
    String name,
    String key,
    String scheduleType,
    String cron,
    String timezone,
    String at,
    String method,
    String url,
    List<HeaderRow> headers,
    String body,
    String bodyFormat,
    String timeoutSeconds,
    String retries,
    String catchUp,
    String overlap,
    boolean enabled,
    String target,
    String workflowKey,
    String workflowInput) {

  static final int EMPTY_HEADER_ROWS = 2;
  static final String HTTP = "http";
  static final String WORKFLOW = "workflow";

  record HeaderRow(String name, String value) {
    boolean blank() {
      return name.isBlank() && value.isBlank();
    }
  }

  static JobForm blank() {
    return new JobForm(
        "",
        "",
        "cron",
        "",
        "UTC",
        "",
        "GET",
        "",
        withEmptyRows(List.of()),
        "",
        "json",
        seconds(RequestRules.DEFAULT_TIMEOUT_MS),
        "",
        Policies.CatchUp.LATEST.code(),
        Policies.Overlap.ALLOW.code(),
        true,
        HTTP,
        "",
        "");
  }

  /** The form for editing a stored job; secret values masked. */
  static JobForm of(JobDraft draft, JsonMapper mapper) {
    String scheduleType = draft.schedule().type();
    String cron = "";
    String zone = "UTC";
    String at = "";
    switch (draft.schedule()) {
      case Schedule.Cron c -> {
        cron = c.cron().expression();
        zone = c.zone().getId();
      }
      case Schedule.Once o -> {
        at =
            LocalDateTime.ofInstant(o.at(), o.shownIn()).truncatedTo(ChronoUnit.MINUTES).toString();
        zone = o.shownIn().getId();
      }
    }
    List<HeaderRow> rows = new ArrayList<>();
    for (Header h : draft.headers()) {
      boolean secret =
          SealedRequests.looksSecret(h.name())
              || draft.secretHeaders().stream().anyMatch(s -> s.equalsIgnoreCase(h.name()));
      rows.add(new HeaderRow(h.name(), secret ? SealedRequests.MASK : h.value()));
    }
    String body = "";
    if (draft.body() != null) {
      body =
          draft.secretBody()
              ? SealedRequests.MASK
              : new String(draft.body(), StandardCharsets.UTF_8);
    }
    boolean json =
        draft.headers().stream()
            .anyMatch(
                h ->
                    h.name().equalsIgnoreCase("Content-Type")
                        && h.value().toLowerCase(Locale.ROOT).contains("json"));
    JobInput.WorkflowTarget workflow = JobWorkflowTargets.target(draft.url(), draft.body(), mapper);
    // A workflow target's request fields start as a new job's, for a switch to an HTTP target.
    JobForm http = workflow == null ? null : blank();
    return new JobForm(
        draft.name(),
        draft.key() == null ? "" : draft.key(),
        scheduleType,
        cron,
        zone,
        at,
        http == null ? draft.method() : http.method(),
        http == null ? draft.url() : http.url(),
        http == null ? withEmptyRows(rows) : http.headers(),
        http == null ? body : http.body(),
        http == null && !json && !body.isEmpty() ? "text" : "json",
        seconds(draft.timeoutMs()),
        String.valueOf(draft.retries()),
        draft.catchUp().code(),
        draft.overlap().code(),
        draft.enabled(),
        workflow == null ? HTTP : WORKFLOW,
        workflow == null ? "" : workflow.key(),
        workflow == null || workflow.input().isEmpty() ? "" : workflow.input().toPrettyString());
  }

  static JobForm from(HttpServletRequest request) {
    String[] names = request.getParameterValues("headerName");
    String[] values = request.getParameterValues("headerValue");
    List<HeaderRow> rows = new ArrayList<>();
    int n = Math.max(names == null ? 0 : names.length, values == null ? 0 : values.length);
    for (int i = 0; i < n; i++) {
      rows.add(
          new HeaderRow(
              names != null && i < names.length ? names[i].strip() : "",
              values != null && i < values.length ? values[i] : ""));
    }
    return new JobForm(
        param(request, "name"),
        param(request, "key").strip(),
        "once".equals(param(request, "scheduleType")) ? "once" : "cron",
        param(request, "cron").strip(),
        param(request, "timezone").strip(),
        param(request, "at").strip(),
        param(request, "method").strip().toUpperCase(Locale.ROOT),
        param(request, "url").strip(),
        withEmptyRows(rows),
        param(request, "body"),
        "text".equals(param(request, "bodyFormat")) ? "text" : "json",
        param(request, "timeoutSeconds").strip(),
        param(request, "retries").strip(),
        param(request, "catchUp"),
        param(request, "overlap"),
        request.getParameter("enabled") != null,
        WORKFLOW.equals(param(request, "target")) ? WORKFLOW : HTTP,
        param(request, "workflowKey").strip(),
        param(request, "workflowInput"));
  }

  boolean workflowTarget() {
    return WORKFLOW.equals(target);
  }

  /**
   * The API's input for this form. Problems the validator cannot see (a date, a number, JSON) are
   * added to {@code errors}.
   *
   * @param stored the job being edited, for the values behind masks; null for a new job
   */
  JobInput toInput(JobDraft stored, JsonMapper json, List<FieldError> errors) {
    if (workflowTarget()) {
      return workflowInput(json, errors);
    }
    LinkedHashMap<String, String> headerMap = new LinkedHashMap<>();
    for (HeaderRow row : headers) {
      if (row.blank()) {
        continue;
      }
      String value = row.value();
      if (SealedRequests.MASK.equals(value)) {
        String kept =
            stored == null
                ? null
                : stored.headers().stream()
                    .filter(h -> h.name().equalsIgnoreCase(row.name()))
                    .map(Header::value)
                    .findFirst()
                    .orElse(null);
        if (kept == null) {
          // A renamed secret header (or a mask typed on a new job): the mask stands for nothing,
          // and must never be sent.
          errors.add(
              new FieldError(
                  "headers." + row.name(),
                  stored == null
                      ? "is the mask " + SealedRequests.MASK + ", not a value: type the value"
                      : "needs its value again: the name changed, so the stored value does not"
                          + " carry over"));
        } else {
          value = kept;
        }
      }
      if (headerMap.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(row.name()))) {
        errors.add(new FieldError("headers", "'" + row.name() + "' is given twice"));
      }
      headerMap.put(row.name(), value);
    }
    List<String> secretHeaders = null;
    if (stored != null) {
      secretHeaders =
          stored.secretHeaders().stream()
              .filter(s -> headerMap.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(s)))
              .toList();
    }

    String text = body;
    Boolean secretBody = null;
    if (stored != null && stored.secretBody()) {
      secretBody = true;
      if (SealedRequests.MASK.equals(text) && stored.body() != null) {
        text = new String(stored.body(), StandardCharsets.UTF_8);
      }
    }
    StringNode bodyNode = null;
    if (!text.isBlank()) {
      if ("json".equals(bodyFormat)) {
        String problem = jsonProblem(text, json);
        if (problem != null) {
          errors.add(new FieldError("body", problem));
        } else if (headerMap.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Content-Type"))) {
          headerMap.put("Content-Type", "application/json");
        }
      }
      bodyNode = StringNode.valueOf(text);
    }

    Integer timeoutMs = timeoutSeconds.isEmpty() ? null : timeoutMs(errors);
    Integer retryCount = retries(errors);
    return new JobInput(
        name,
        key.isEmpty() ? null : key,
        url,
        method,
        headerMap,
        secretHeaders,
        bodyNode,
        secretBody,
        timeoutMs,
        retryCount,
        schedule(errors),
        enabled,
        "once".equals(scheduleType) ? null : catchUp,
        "once".equals(scheduleType) ? null : overlap,
        null);
  }

  /**
   * The API's input for a workflow target, as {@code POST /api/v1/jobs} with {@code workflow: {key,
   * input}}: the HTTP fields are not sent. Input that is not JSON is named here ({@code
   * workflow.input}); the rest (the key's form, an object) is the validator's, and whether the
   * workflow exists and takes the input is asked as the job is stored.
   */
  private JobInput workflowInput(JsonMapper json, List<FieldError> errors) {
    JsonNode input = null;
    if (!workflowInput.isBlank()) {
      try {
        input = json.readTree(workflowInput);
      } catch (JacksonException e) {
        errors.add(
            new FieldError("workflow.input", "is not valid JSON: " + e.getOriginalMessage()));
      }
    }
    Integer timeoutMs = timeoutSeconds.isEmpty() ? null : timeoutMs(errors);
    return JobInput.ofWorkflow(
        name,
        key.isEmpty() ? null : key,
        timeoutMs,
        retries(errors),
        schedule(errors),
        enabled,
        "once".equals(scheduleType) ? null : catchUp,
        "once".equals(scheduleType) ? null : overlap,
        new JobInput.WorkflowTarget(workflowKey, input));
  }

  private Integer retries(List<FieldError> errors) {
    if (retries.isEmpty()) {
      return null;
    }
    try {
      return Integer.parseInt(retries);
    } catch (NumberFormatException e) {
      errors.add(new FieldError("retries", "must be a whole number, 0 to 10"));
      return null;
    }
  }

  private JobInput.ScheduleInput schedule(List<FieldError> errors) {
    if ("once".equals(scheduleType)) {
      return new JobInput.ScheduleInput("once", onceAt(errors), null, null, timezone);
    }
    return new JobInput.ScheduleInput("cron", null, null, cron, timezone);
  }

  /**
   * The timeout in milliseconds, from seconds with up to three decimals, so that any timeout the
   * API stored (2500 ms is 2.5) is shown and saved unchanged. Checked here, in seconds, rather than
   * by the validator, whose message is in milliseconds.
   */
  private Integer timeoutMs(List<FieldError> errors) {
    BigDecimal ms;
    try {
      ms = new BigDecimal(timeoutSeconds).movePointRight(3);
    } catch (NumberFormatException | ArithmeticException e) {
      errors.add(new FieldError("timeout_ms", "must be a number of seconds such as 30 or 2.5"));
      return null;
    }
    if (ms.compareTo(BigDecimal.valueOf(TaskRequest.MIN_TIMEOUT_MS)) < 0
        || ms.compareTo(BigDecimal.valueOf(TaskRequest.MAX_TIMEOUT_MS)) > 0) {
      errors.add(new FieldError("timeout_ms", "must be 1 to 300 seconds (1 s to 5 min)"));
      return null;
    }
    if (ms.stripTrailingZeros().scale() > 0) {
      errors.add(
          new FieldError(
              "timeout_ms", "must be whole milliseconds: at most 3 decimals of seconds, e.g. 2.5"));
      return null;
    }
    return ms.intValueExact();
  }

  /** Milliseconds as seconds for the form: 30000 is "30", 2500 is "2.5". */
  static String seconds(int ms) {
    return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
  }

  /**
   * A one-time job's time as the picker gives it, a local time; the validator reads it in the
   * form's time zone (and refuses one skipped by a change to summer time).
   */
  private String onceAt(List<FieldError> errors) {
    if (at.isEmpty()) {
      errors.add(new FieldError("schedule.at", "is missing: pick the date and time to run"));
      return null;
    }
    try {
      return LocalDateTime.parse(at).toString();
    } catch (DateTimeParseException e) {
      errors.add(new FieldError("schedule.at", "must be a date and time such as 2026-01-31T09:00"));
      return null;
    }
  }

  /** Whether this form names the same one-time schedule as {@code once}, to the minute. */
  boolean namesSameTime(Schedule.Once once) {
    ZoneId zone = JobValidator.zone(timezone, "schedule.timezone", new ArrayList<>());
    return "once".equals(scheduleType)
        && once.shownIn().equals(zone)
        && once.at().truncatedTo(ChronoUnit.MINUTES).equals(onceInstant());
  }

  /** The instant a one-time form names, if it parses. */
  private Instant onceInstant() {
    try {
      ZoneId zone = JobValidator.zone(timezone, "schedule.timezone", new ArrayList<>());
      return zone == null ? null : LocalDateTime.parse(at).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Null when {@code text} is JSON, else what is wrong with it. */
  static String jsonProblem(String text, JsonMapper json) {
    try {
      json.readTree(text);
      return null;
    } catch (JacksonException e) {
      return "is not valid JSON: " + e.getOriginalMessage();
    }
  }

  private static List<HeaderRow> withEmptyRows(List<HeaderRow> rows) {
    List<HeaderRow> all = new ArrayList<>(rows.stream().filter(r -> !r.blank()).toList());
    for (int i = 0; i < EMPTY_HEADER_ROWS; i++) {
      all.add(new HeaderRow("", ""));
    }
    return all;
  }

  private static String param(HttpServletRequest request, String name) {
    String value = request.getParameter(name);
    return value == null ? "" : value;
  }
}
