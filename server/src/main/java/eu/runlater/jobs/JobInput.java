package eu.runlater.jobs;

import eu.runlater.platform.errors.NulCharacters;
import java.util.LinkedHashMap;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A job as the API accepts it (create, and the document a PATCH merges into).
 *
 * @param body a string is sent as-is; any other JSON value is sent as JSON (with {@code
 *     Content-Type: application/json} unless a content type is given)
 * @param secretHeaders names of further headers to encrypt at rest and mask when shown (
 *     credentials such as Authorization are always treated as secret)
 * @param secretBody whether the body is encrypted at rest and masked when shown
 * @param catchUp cron: {@code latest} (default), {@code none} or {@code all}
 * @param overlap cron: {@code allow} (default), {@code forbid} or {@code replace}
 * @param workflow instead of {@code url}: each run starts a run of this workflow (then {@code
 *     method}, {@code headers} and {@code body} are not given)
 */
record JobInput(
    String name,
    String key,
    String url,
    String method,
    LinkedHashMap<String, String> headers,
    List<String> secretHeaders,
    // Stored and sent as bytes: a NUL character in it is data.
    @JsonDeserialize(using = NulCharacters.Accepted.class) JsonNode body,
    Boolean secretBody,
    Integer timeoutMs,
    Integer retries,
    ScheduleInput schedule,
    Boolean enabled,
    String catchUp,
    String overlap,
    WorkflowTarget workflow) {

  JobInput withKey(String key) {
    return new JobInput(
        name,
        key,
        url,
        method,
        headers,
        secretHeaders,
        body,
        secretBody,
        timeoutMs,
        retries,
        schedule,
        enabled,
        catchUp,
        overlap,
        workflow);
  }

  JobInput withSchedule(ScheduleInput schedule) {
    return new JobInput(
        name,
        key,
        url,
        method,
        headers,
        secretHeaders,
        body,
        secretBody,
        timeoutMs,
        retries,
        schedule,
        enabled,
        catchUp,
        overlap,
        workflow);
  }

  /**
   * @param type {@code once} or {@code cron}
   * @param at for {@code once}: an RFC 3339 instant, or a local date and time when {@code timezone}
   *     is given ({@code 2027-01-15T09:00})
   * @param delay instead of {@code at}: {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code
   *     500ms} or an ISO-8601 duration ({@code PT90S})
   * @param expression for {@code cron}: 5 fields, or 6 with leading seconds, or a macro
   * @param timezone an IANA zone such as {@code Europe/Oslo}: for {@code cron} the zone it runs in
   *     (default UTC); for {@code once} the zone a local {@code at} is read in and the job shown in
   *     (optional)
   */
  record ScheduleInput(String type, String at, String delay, String expression, String timezone) {}

  /**
   * A workflow as a job's target: each run of the job starts one run of it.
   *
   * @param key the organization's workflow (its current version runs)
   * @param input the run's input (default {@code {}}), checked against the workflow's input schema
   */
  record WorkflowTarget(String key, JsonNode input) {}

  /** A job whose target is {@code workflow}: no request fields (url, method, headers, body). */
  static JobInput ofWorkflow(
      String name,
      String key,
      Integer timeoutMs,
      Integer retries,
      ScheduleInput schedule,
      Boolean enabled,
      String catchUp,
      String overlap,
      WorkflowTarget workflow) {
    return new JobInput(
        name, key, null, null, null, null, null, null, timeoutMs, retries, schedule, enabled,
        catchUp, overlap, workflow);
  }
}
