package eu.runlater.alerts;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.TaskRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one {@link AlertMessage} into the request a channel's service expects (see {@link
 * ChatFormats}, {@link PushFormats}, the webhook schema in {@code docs/alert-webhook.schema.json}
 * and the mail below), with every secret sealed: a URL that is its own credential with {@link
 * TaskRequest#withSealedUrl}, a token in the body by sealing the body, a token header as a sealed
 * header.
 */
@Component
class ChannelFormats {
  private static final List<Header> JSON_TYPE =
      List.of(new Header("Content-Type", "application/json"));

  /**
   * Incidents a webhook body carries; a bigger group says how many it left out (the notification in
   * the API lists every incident id).
   */
  static final int WEBHOOK_INCIDENTS = 100;

  private final SecretBox box;
  private final AlertChannelProperties properties;

  ChannelFormats(SecretBox box, AlertChannelProperties properties) {
    this.box = box;
    this.properties = properties;
  }

  /**
   * The request for every kind but PagerDuty (see {@link #pagerDuty}).
   *
   * @param notificationId the notification's id (the webhook body names it)
   * @param recipients an email channel's addresses, resolved
   */
  TaskRequest render(
      StoredChannel channel, UUID notificationId, AlertMessage m, List<String> recipients) {
    ChannelSettings.Split s = channel.settings();
    int timeout = (int) properties.timeout().toMillis();
    return switch (channel.kind()) {
      case SLACK -> json(ChatFormats.slack(m), timeout).withSealedUrl(box, s.string("webhook_url"));
      case DISCORD ->
          json(ChatFormats.discord(m), timeout)
              .withSealedUrl(box, discordUrl(s.string("webhook_url")));
      case TEAMS -> json(ChatFormats.teams(m), timeout).withSealedUrl(box, s.string("webhook_url"));
      case TELEGRAM ->
          json(PushFormats.telegram(m, s.string("chat_id")), timeout)
              .withSealedUrl(
                  box, properties.telegramApi() + "/bot" + s.string("bot_token") + "/sendMessage");
      case NTFY -> ntfy(s, m, timeout);
      case PUSHOVER -> {
        ObjectNode body =
            PushFormats.pushover(
                m, s.string("app_token"), s.string("user_key"), integer(s, "priority", 0));
        yield sealedBody(properties.pushoverApi() + "/1/messages.json", List.of(), body, timeout);
      }
      case WEBHOOK -> webhook(s, notificationId, m, timeout);
      case EMAIL -> mail(recipients, m, timeout);
      case PAGERDUTY -> throw new IllegalArgumentException("PagerDuty takes pagerDuty(…)");
    };
  }

  /** A PagerDuty event: {@code trigger} with the message, or {@code resolve} of a dedup key. */
  TaskRequest pagerDuty(StoredChannel channel, AlertMessage m, String action, String dedupKey) {
    ChannelSettings.Split s = channel.settings();
    String severity = s.plain().getOrDefault("severity", "critical").toString();
    ObjectNode body = PushFormats.pagerDuty(m, s.string("routing_key"), action, dedupKey, severity);
    return sealedBody(
        properties.pagerdutyApi() + "/v2/enqueue",
        List.of(),
        body,
        (int) properties.timeout().toMillis());
  }

  private TaskRequest json(ObjectNode body, int timeout) {
    return new TaskRequest(
        "https://invalid/", "POST", JSON_TYPE, null, bytes(body), false, timeout);
  }

  /** Discord answers 204 without a body unless asked to wait for the message it made. */
  private static String discordUrl(String url) {
    return url.contains("?") ? url : url + "?wait=true";
  }

  private TaskRequest ntfy(ChannelSettings.Split s, AlertMessage m, int timeout) {
    String server = s.plain().getOrDefault("server_url", properties.ntfyServer()).toString();
    server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    List<Header> headers = new ArrayList<>();
    String token = s.string("access_token");
    if (token != null) {
      headers.add(new Header("Authorization", "Bearer " + token));
    }
    // The topic is the channel's secret (anyone who knows it reads it): the body is sealed.
    return sealedBody(
        server + "/",
        headers,
        PushFormats.ntfy(m, s.string("topic"), integer(s, "priority", 4)),
        timeout);
  }

  private TaskRequest sealedBody(String url, List<Header> headers, ObjectNode body, int timeout) {
    List<Header> all = new ArrayList<>(JSON_TYPE);
    all.addAll(headers);
    return SealedRequests.seal(box, url, "POST", all, Set.of(), bytes(body), true, timeout);
  }

  @SuppressWarnings("unchecked")
  private TaskRequest webhook(ChannelSettings.Split s, UUID id, AlertMessage m, int timeout) {
    List<Header> headers = new ArrayList<>(JSON_TYPE);
    Set<String> secret = new java.util.HashSet<>();
    if (s.plain().get("headers") instanceof Map<?, ?> open) {
      open.forEach((k, v) -> headers.add(new Header(k.toString(), v.toString())));
    }
    if (s.secrets().get("headers") instanceof Map<?, ?> sealed) {
      sealed.forEach(
          (k, v) -> {
            headers.add(new Header(k.toString(), v.toString()));
            secret.add(k.toString());
          });
    }
    return SealedRequests.seal(
            box,
            "https://invalid/",
            "POST",
            headers,
            secret,
            bytes(webhookBody(id, m)),
            false,
            timeout)
        .withSealedUrl(box, s.string("url"));
  }

  /** The generic webhook's body: docs/alert-webhook.schema.json. */
  static ObjectNode webhookBody(UUID id, AlertMessage m) {
    ObjectNode body = ChatFormats.JSON.createObjectNode();
    body.put("type", "alert." + webhookType(m.kind()));
    body.put("id", id.toString());
    body.putObject("organization")
        .put("id", m.organizationId().toString())
        .put("name", m.organizationName());
    body.put("sent_at", m.at().toString());
    body.put("headline", m.headline());
    if (m.dashboardUrl() != null) {
      body.put("dashboard_url", m.dashboardUrl());
    }
    List<AlertMessage.Item> items = m.items();
    int shown = Math.min(items.size(), WEBHOOK_INCIDENTS);
    body.put("incidents_omitted", items.size() - shown);
    ArrayNode incidents = body.putArray("incidents");
    for (AlertMessage.Item item : items.subList(0, shown)) {
      ObjectNode i = incidents.addObject();
      putOrNull(i, "id", item.incidentId() == null ? null : item.incidentId().toString());
      i.put("change", item.change());
      ObjectNode subject = i.putObject("subject");
      subject.put("kind", item.subjectKind());
      putOrNull(subject, "id", item.subjectId() == null ? null : item.subjectId().toString());
      subject.put("name", item.subjectName());
      putOrNull(subject, "url", item.subjectUrl());
      i.put("condition", item.condition());
      putOrNull(i, "condition_text", item.conditionText());
      putOrNull(i, "since", item.since() == null ? null : item.since().toString());
      if (item.downFor() == null) {
        i.putNull("down_for_seconds");
      } else {
        i.put("down_for_seconds", item.downFor().toSeconds());
      }
      i.put("consecutive_failures", item.consecutiveFailures());
      if (item.lastStatusCode() == null) {
        i.putNull("last_status_code");
      } else {
        i.put("last_status_code", item.lastStatusCode());
      }
      putOrNull(i, "last_error", item.lastError());
      putOrNull(i, "response_snippet", item.snippet());
      putOrNull(i, "execution_url", item.executionUrl());
      putOrNull(i, "mute_url", item.muteUrl());
      putOrNull(i, "pause_url", item.pauseUrl());
      putOrNull(i, "action_label", item.actionLabel());
      putOrNull(i, "action_url", item.actionUrl());
    }
    return body;
  }

  private static String webhookType(String kind) {
    return switch (kind) {
      case AlertMessage.ALERT -> "opened";
      case AlertMessage.RECOVERY -> "recovered";
      default -> kind; // reminder, digest, test
    };
  }

  private static void putOrNull(ObjectNode node, String name, String value) {
    if (value == null) {
      node.putNull(name);
    } else {
      node.put(name, value);
    }
  }

  /**
   * Mail goes through the engine's {@code mailto} transport ({@link MailTransport}): the URL names
   * the recipients, the body is {@code {"subject", "text", "html"}}.
   */
  private TaskRequest mail(List<String> recipients, AlertMessage m, int timeout) {
    ObjectNode body = ChatFormats.JSON.createObjectNode();
    body.put("subject", subject(m));
    body.put("text", AlertTexts.plain(m));
    body.put("html", MailFormat.html(m));
    String to =
        String.join(
            ",",
            recipients.stream()
                .map(r -> java.net.URLEncoder.encode(r, StandardCharsets.UTF_8).replace("%40", "@"))
                .toList());
    // "mailto:" alone is no URI: with nobody to mail, the transport answers why (422).
    return new TaskRequest(
        to.isEmpty() ? "mailto:?" : "mailto:" + to,
        "POST",
        JSON_TYPE,
        null,
        bytes(body),
        false,
        timeout);
  }

  static String subject(AlertMessage m) {
    String prefix =
        switch (m.kind()) {
          case AlertMessage.RECOVERY -> "[Recovered] ";
          case AlertMessage.TEST -> "[Test] ";
          case AlertMessage.NOTICE -> "[Waiting for you] ";
          default -> "[Alert] ";
        };
    return AlertTexts.cut(prefix + m.headline(), 200);
  }

  private static int integer(ChannelSettings.Split s, String name, int fallback) {
    return s.plain().get(name) instanceof Number n ? n.intValue() : fallback;
  }

  private static byte[] bytes(ObjectNode body) {
    return ChatFormats.JSON.writeValueAsBytes(body);
  }
}
