package eu.runlater.monitors;

import eu.runlater.engine.Header;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A monitor as the API shows it. Durations ({@code period}, {@code grace}, {@code max_runtime},
 * {@code interval}, {@code timeout}) are in seconds; fields of the other family are null. Secret
 * header values are masked.
 *
 * @param pingUrl heartbeat: where to ping ({@code /start}, {@code /fail}, {@code /<exit code>}
 *     appended for those)
 * @param slugUrl heartbeat with a slug: the same by the organization's ping key and the slug
 * @param nextDueAt heartbeat: when the next ping is due (null while new or paused); uptime: when
 *     the next check runs
 * @param badge the monitor's status badge URLs (readable without auth: the key is the secret)
 */
record MonitorView(
    UUID id,
    String name,
    String kind,
    List<String> tags,
    String state,
    Instant stateSince,
    String stateReason,
    String pingUrl,
    String slug,
    String slugUrl,
    Integer period,
    String cron,
    String timezone,
    Integer grace,
    Integer maxRuntime,
    Instant lastPingAt,
    String lastPingKind,
    Long lastDurationMs,
    Instant runningSince,
    Instant nextDueAt,
    String url,
    String method,
    LinkedHashMap<String, String> headers,
    String body,
    String expectedStatuses,
    String keyword,
    Boolean keywordAbsent,
    Integer maxResponseMs,
    Boolean followRedirects,
    Integer interval,
    Integer timeout,
    Integer confirmations,
    Integer tlsExpiryDays,
    Instant tlsExpiresAt,
    Integer consecutiveFailures,
    Badge badge,
    Instant createdAt,
    Instant updatedAt) {

  record Badge(String svg, String json) {}

  static MonitorView of(Monitor m, SecretBox secrets, String base, String pingKey) {
    boolean hb = m.heartbeat();
    boolean http = Monitor.HTTP.equals(m.kind());
    LinkedHashMap<String, String> headers = null;
    if (http) {
      headers = new LinkedHashMap<>();
      for (Header h :
          SealedRequests.maskedHeaders(
              secrets, HeaderCodec.fromJson(m.headersJson()), m.sealedHeaders())) {
        headers.put(h.name(), h.value());
      }
    }
    return new MonitorView(
        m.id(),
        m.name(),
        m.kind(),
        m.tags(),
        m.state(),
        m.stateSince(),
        m.stateReason(),
        hb ? base + "/ping/" + m.pingToken() : null,
        m.slug(),
        hb && m.slug() != null && pingKey != null
            ? base + "/ping/" + pingKey + "/" + m.slug()
            : null,
        m.periodS(),
        m.cron(),
        m.timeZone(),
        m.graceS(),
        m.maxRuntimeS(),
        m.lastPingAt(),
        m.lastPingKind(),
        m.lastDurationMs(),
        m.runningSince(),
        m.dueAt(),
        m.url(),
        m.method(),
        headers,
        m.body(),
        m.expectedStatuses(),
        m.keyword(),
        hb ? null : m.keywordAbsent(),
        m.maxResponseMs(),
        hb ? null : m.followRedirects(),
        m.intervalS(),
        m.timeoutS(),
        hb ? null : m.confirmations(),
        m.tlsExpiryDays(),
        m.tlsExpiresAt(),
        hb ? null : m.consecutiveFailures(),
        new Badge(
            base + "/badge/" + m.badgeKey() + ".svg", base + "/badge/" + m.badgeKey() + ".json"),
        m.createdAt(),
        m.updatedAt());
  }

  /**
   * The stored monitor as a {@link MonitorInput} document, secrets in the clear (never shown): what
   * a JSON Merge Patch applies to, so that a patch that leaves headers alone keeps their secrets.
   */
  static JsonNode patchTarget(Monitor m, SecretBox secrets, JsonMapper json) {
    ObjectNode doc = json.createObjectNode();
    doc.put("name", m.name());
    doc.put("kind", m.kind());
    var tags = doc.putArray("tags");
    m.tags().forEach(tags::add);
    if (m.heartbeat()) {
      doc.put("slug", m.slug());
      doc.put("period", m.periodS() == null ? null : String.valueOf(m.periodS()));
      doc.put("cron", m.cron());
      doc.put("timezone", m.timeZone());
      doc.put("grace", String.valueOf(m.graceS()));
      doc.put("max_runtime", m.maxRuntimeS() == null ? null : String.valueOf(m.maxRuntimeS()));
      return doc;
    }
    doc.put("url", m.url());
    doc.put("interval", String.valueOf(m.intervalS()));
    doc.put("timeout", String.valueOf(m.timeoutS()));
    doc.put("confirmations", m.confirmations());
    if (m.maxResponseMs() != null) {
      doc.put("max_response_ms", m.maxResponseMs());
    }
    if (Monitor.HTTP.equals(m.kind())) {
      doc.put("method", m.method());
      ObjectNode headers = doc.putObject("headers");
      List<String> secret = new ArrayList<>();
      List<Header> masked =
          SealedRequests.maskedHeaders(
              secrets, HeaderCodec.fromJson(m.headersJson()), m.sealedHeaders());
      for (Header h : masked) {
        if (SealedRequests.MASK.equals(h.value())) {
          secret.add(h.name());
        }
      }
      List<Header> open =
          m.sealedHeaders() == null
              ? HeaderCodec.fromJson(m.headersJson())
              : new ArrayList<>(HeaderCodec.fromJson(m.headersJson()));
      if (m.sealedHeaders() != null) {
        open.addAll(
            HeaderCodec.fromJson(
                new String(secrets.open(m.sealedHeaders()), StandardCharsets.UTF_8)));
      }
      for (Header h : open) {
        headers.put(h.name(), h.value());
      }
      var secretNames = doc.putArray("secret_headers");
      secret.forEach(secretNames::add);
      doc.put("body", m.body());
      doc.put("expected_statuses", m.expectedStatuses());
      doc.put("keyword", m.keyword());
      if (m.keyword() != null) {
        doc.put("keyword_absent", m.keywordAbsent());
      }
      doc.put("follow_redirects", m.followRedirects());
      doc.put("tls_expiry_days", m.tlsExpiryDays() == null ? 0 : m.tlsExpiryDays());
    }
    return doc;
  }
}
