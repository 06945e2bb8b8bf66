package eu.runlater.monitors;

import eu.runlater.platform.requests.RequestRules;
import java.util.List;

/**
 * A validated monitor, ready to store (its secret headers still in the clear; they are sealed as it
 * is stored). Fields of the other family are null.
 *
 * @param request http: the checked request (URL, method, headers, body, timeout)
 */
record MonitorDraft(
    String name,
    String kind,
    List<String> tags,
    String slug,
    Integer periodS,
    String cron,
    String timeZone,
    Integer graceS,
    Integer maxRuntimeS,
    String url,
    RequestRules.Draft request,
    String expectedStatuses,
    String keyword,
    boolean keywordAbsent,
    Integer maxResponseMs,
    boolean followRedirects,
    Integer intervalS,
    Integer timeoutS,
    int confirmations,
    Integer tlsExpiryDays) {

  boolean heartbeat() {
    return Monitor.HEARTBEAT.equals(kind);
  }
}
