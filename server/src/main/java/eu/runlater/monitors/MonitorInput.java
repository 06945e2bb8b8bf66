package eu.runlater.monitors;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * A monitor as the API (and the form) gives it; every field optional until validated. Durations
 * ({@code period}, {@code grace}, {@code max_runtime}, {@code interval}, {@code timeout}) are
 * seconds ({@code 3600}) or text ({@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code PT1H}).
 *
 * @param kind {@code heartbeat} (default), {@code http} or {@code tcp}
 * @param slug heartbeat: pingable at {@code /ping/<organization ping key>/<slug>} too
 * @param period heartbeat: a ping is expected this often (1 min to 365 d); or give {@code cron}
 * @param cron heartbeat: a ping is expected at each of these times, in {@code timezone}
 * @param grace heartbeat: how long after due it is late before it is down (1 min to 365 d)
 * @param maxRuntime heartbeat: a {@code /start} without a finish within it is down (default: grace)
 * @param url http: the http(s) URL; tcp: {@code tcp://host:port} (or {@code host:port})
 * @param expectedStatuses http: e.g. {@code 200-299} (default) or {@code 200,204,301-302}
 * @param keyword http: text the body must contain (or must not, with {@code keyword_absent})
 * @param interval uptime: between checks, from the tier's minimum (free 5 min, pro 30 s) to 24 h
 * @param timeout uptime: a check with no answer within it fails (1 to 60 s, default 10 s)
 * @param confirmations uptime: failed checks in a row before it is down (1 to 10, default 2)
 * @param tlsExpiryDays https: warn this many days before the certificate expires (default 14)
 */
record MonitorInput(
    String name,
    String kind,
    List<String> tags,
    String slug,
    String period,
    String cron,
    String timezone,
    String grace,
    String maxRuntime,
    String url,
    String method,
    LinkedHashMap<String, String> headers,
    List<String> secretHeaders,
    String body,
    String expectedStatuses,
    String keyword,
    Boolean keywordAbsent,
    Integer maxResponseMs,
    Boolean followRedirects,
    String interval,
    String timeout,
    Integer confirmations,
    Integer tlsExpiryDays) {

  /** A heartbeat with a period and a grace (the create-on-first-ping default, tests). */
  static MonitorInput heartbeat(String name, String slug, String period, String grace) {
    return new MonitorInput(
        name,
        "heartbeat",
        null,
        slug,
        period,
        null,
        null,
        grace,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
