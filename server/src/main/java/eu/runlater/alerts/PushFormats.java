package eu.runlater.alerts;

import static eu.runlater.alerts.AlertTexts.cut;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bodies for push and paging services, as each documents them: Telegram {@code sendMessage} (HTML
 * parse mode), ntfy's JSON publish, Pushover's {@code messages.json}, PagerDuty Events API v2.
 */
final class PushFormats {
  static final JsonMapper JSON = ChatFormats.JSON;
  static final int TELEGRAM_TEXT = 4_096;
  static final int NTFY_MESSAGE = 4_000;
  static final int PUSHOVER_MESSAGE = 1_024;
  static final int PUSHOVER_TITLE = 250;
  static final int PUSHOVER_URL = 512;
  static final int PUSHOVER_URL_TITLE = 100;
  static final int PAGERDUTY_SUMMARY = 1_024;

  private PushFormats() {}

  /** https://core.telegram.org/bots/api#sendmessage, parse_mode HTML. */
  static ObjectNode telegram(AlertMessage m, String chatId) {
    StringBuilder html =
        new StringBuilder("<b>").append(html(cut(m.headline(), 500))).append("</b>\n");
    int i = 0;
    for (AlertMessage.Item item : m.items()) {
      StringBuilder part = new StringBuilder("\n");
      part.append(
          item.subjectUrl() == null
              ? "<b>" + html(cut(AlertTexts.title(item), 300)) + "</b>"
              : "<b><a href=\""
                  + attr(item.subjectUrl())
                  + "\">"
                  + html(cut(AlertTexts.title(item), 300))
                  + "</a></b>");
      part.append('\n');
      for (AlertTexts.Fact f : AlertTexts.facts(item, m.at())) {
        String value =
            f.label().equals("Response")
                ? "<code>" + html(cut(f.value(), 200)) + "</code>"
                : html(cut(f.value(), 200));
        part.append(html(f.label())).append(": ").append(value).append('\n');
      }
      StringBuilder links = new StringBuilder();
      for (AlertTexts.Link l : AlertTexts.links(item)) {
        links
            .append(links.isEmpty() ? "" : " · ")
            .append("<a href=\"")
            .append(attr(l.url()))
            .append("\">")
            .append(html(l.label()))
            .append("</a>");
      }
      part.append(links).append('\n');
      // Tags must stay whole: leave out items that do not fit rather than cut through one.
      if (html.length() + part.length() > TELEGRAM_TEXT - 100) {
        html.append("\n").append(m.items().size() - i).append(" more");
        break;
      }
      html.append(part);
      i++;
    }
    if (m.dashboardUrl() != null
        && html.length() < TELEGRAM_TEXT - 80 - m.dashboardUrl().length()) {
      html.append("\n<a href=\"").append(attr(m.dashboardUrl())).append("\">All notifications</a>");
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("chat_id", chatId);
    body.put("text", html.toString());
    body.put("parse_mode", "HTML");
    body.put("disable_web_page_preview", true);
    return body;
  }

  /** Telegram's HTML mode: &amp; &lt; &gt; (and &quot; inside attributes). */
  static String html(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String attr(String s) {
    return html(s).replace("\"", "&quot;");
  }

  /** https://docs.ntfy.sh/publish/#publish-as-json: published to the server's root. */
  static ObjectNode ntfy(AlertMessage m, String topic, int priority) {
    ObjectNode body = JSON.createObjectNode();
    body.put("topic", topic);
    body.put("title", cut(m.headline(), 250));
    StringBuilder text = new StringBuilder();
    for (AlertMessage.Item item : m.items()) {
      text.append(AlertTexts.brief(item, m.at())).append('\n');
    }
    body.put("message", cut(text.toString().strip(), NTFY_MESSAGE));
    boolean trouble = AlertTexts.trouble(m) && !m.informational();
    body.put("priority", trouble ? priority : Math.min(priority, 3));
    body.putArray("tags")
        .add(
            m.kind().equals(AlertMessage.TEST)
                ? "white_check_mark"
                : m.kind().equals(AlertMessage.NOTICE)
                    ? "raised_hand"
                    : trouble ? "rotating_light" : "green_circle");
    AlertMessage.Item first = m.items().isEmpty() ? null : m.items().getFirst();
    String click =
        first != null && m.items().size() == 1 && first.actionUrl() != null
            ? first.actionUrl()
            : first != null && first.subjectUrl() != null && m.items().size() == 1
                ? first.subjectUrl()
                : m.dashboardUrl();
    if (click != null) {
      body.put("click", click);
    }
    // At most three actions.
    ArrayNode actions = body.putArray("actions");
    if (first != null) {
      for (AlertTexts.Link l : AlertTexts.links(first)) {
        if (actions.size() == 3) {
          break;
        }
        actions
            .addObject()
            .put("action", "view")
            .put("label", cut(l.label(), 40))
            .put("url", l.url());
      }
    }
    return body;
  }

  /** https://pushover.net/api#messages, as JSON with HTML on. */
  static ObjectNode pushover(AlertMessage m, String token, String user, int priority) {
    ObjectNode body = JSON.createObjectNode();
    body.put("token", token);
    body.put("user", user);
    body.put("title", cut(m.headline(), PUSHOVER_TITLE));
    StringBuilder text = new StringBuilder();
    for (AlertMessage.Item item : m.items()) {
      text.append(PushFormats.html(AlertTexts.brief(item, m.at()))).append('\n');
    }
    body.put("message", cut(text.toString().strip(), PUSHOVER_MESSAGE));
    body.put("html", 1);
    AlertMessage.Item first = m.items().isEmpty() ? null : m.items().getFirst();
    String url =
        first != null && m.items().size() == 1 && first.subjectUrl() != null
            ? first.subjectUrl()
            : m.dashboardUrl();
    if (url != null && url.length() <= PUSHOVER_URL) {
      body.put("url", url);
      body.put(
          "url_title",
          cut(
              first != null && m.items().size() == 1
                  ? "Open " + first.subjectKind()
                  : "All notifications",
              PUSHOVER_URL_TITLE));
    }
    boolean trouble = AlertTexts.trouble(m) && !m.informational();
    body.put("priority", trouble ? priority : Math.min(priority, 0));
    body.put("timestamp", m.at().getEpochSecond());
    return body;
  }

  /** https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (and resolve). */
  static ObjectNode pagerDuty(
      AlertMessage m, String routingKey, String action, String dedupKey, String severity) {
    ObjectNode body = JSON.createObjectNode();
    body.put("routing_key", routingKey);
    body.put("event_action", action);
    body.put("dedup_key", dedupKey);
    if (action.equals("resolve")) {
      return body; // a resolve needs only the key and the dedup key
    }
    ObjectNode payload = body.putObject("payload");
    payload.put("summary", cut(m.headline(), PAGERDUTY_SUMMARY));
    payload.put("source", "runlater: " + m.organizationName());
    payload.put("severity", m.informational() ? "info" : severity);
    payload.put("timestamp", m.at().toString());
    payload.put("component", m.items().isEmpty() ? "runlater" : m.items().getFirst().subjectKind());
    payload.put("class", m.items().isEmpty() ? m.kind() : m.items().getFirst().condition());
    ObjectNode details = payload.putObject("custom_details");
    ArrayNode items = details.putArray("items");
    for (AlertMessage.Item item : m.items()) {
      ObjectNode entry = items.addObject().put("title", AlertTexts.title(item));
      for (AlertTexts.Fact f : AlertTexts.facts(item, m.at())) {
        entry.put(f.label().toLowerCase(java.util.Locale.ROOT).replace(' ', '_'), f.value());
      }
    }
    body.put("client", "Runlater");
    if (m.dashboardUrl() != null) {
      body.put("client_url", m.dashboardUrl());
    }
    ArrayNode links = body.putArray("links");
    for (AlertMessage.Item item : m.items().subList(0, Math.min(m.items().size(), 5))) {
      List<AlertTexts.Link> itemLinks = AlertTexts.links(item);
      for (AlertTexts.Link l : itemLinks.subList(0, Math.min(2, itemLinks.size()))) {
        links.addObject().put("href", l.url()).put("text", l.label() + ": " + item.subjectName());
      }
    }
    return body;
  }
}
