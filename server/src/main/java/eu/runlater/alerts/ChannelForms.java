package eu.runlater.alerts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields each kind of channel asks for on the settings page, by their API names: the form names
 * them {@code <kind>.<name>} so that only the chosen kind's are read. A secret is a password input
 * that an edit may leave empty to keep what is stored.
 */
final class ChannelForms {
  private ChannelForms() {}

  /**
   * @param list a comma-separated list in the form, a JSON array in the settings
   */
  record Field(String name, String label, String type, boolean secret, boolean list, String hint) {
    public String id(ChannelKind kind) {
      return "ch-" + kind.apiName() + "-" + name.replace('_', '-');
    }
  }

  record KindForm(ChannelKind kind, String label, List<Field> fields) {
    public String api() {
      return kind.apiName();
    }
  }

  private static Field secretUrl(String hint) {
    return new Field("webhook_url", "Webhook URL", "password", true, false, hint);
  }

  static final List<KindForm> KINDS =
      List.of(
          new KindForm(
              ChannelKind.EMAIL,
              "Email",
              List.of(
                  new Field(
                      "roles",
                      "To members with the role",
                      "text",
                      false,
                      true,
                      "owner, admin, member — comma-separated; empty for none."),
                  new Field(
                      "addresses",
                      "To addresses",
                      "text",
                      false,
                      true,
                      "Comma-separated email addresses."))),
          new KindForm(
              ChannelKind.SLACK,
              "Slack",
              List.of(secretUrl("An incoming webhook: https://hooks.slack.com/services/…"))),
          new KindForm(
              ChannelKind.DISCORD,
              "Discord",
              List.of(secretUrl("https://discord.com/api/webhooks/…"))),
          new KindForm(
              ChannelKind.TEAMS,
              "Microsoft Teams",
              List.of(secretUrl("The workflow's or connector's webhook URL."))),
          new KindForm(
              ChannelKind.TELEGRAM,
              "Telegram",
              List.of(
                  new Field("bot_token", "Bot token", "password", true, false, "From @BotFather."),
                  new Field("chat_id", "Chat id", "text", false, false, null))),
          new KindForm(
              ChannelKind.NTFY,
              "ntfy",
              List.of(
                  new Field("server_url", "Server", "url", false, false, "Empty for ntfy.sh."),
                  new Field(
                      "topic",
                      "Topic",
                      "password",
                      true,
                      false,
                      "Anyone who knows it can read it."),
                  new Field(
                      "access_token",
                      "Access token",
                      "password",
                      true,
                      false,
                      "Only if the topic is protected."))),
          new KindForm(
              ChannelKind.PAGERDUTY,
              "PagerDuty",
              List.of(
                  new Field(
                      "routing_key",
                      "Integration (routing) key",
                      "password",
                      true,
                      false,
                      "Events API v2."))),
          new KindForm(
              ChannelKind.PUSHOVER,
              "Pushover",
              List.of(
                  new Field("app_token", "Application token", "password", true, false, null),
                  new Field("user_key", "User or group key", "password", true, false, null))),
          new KindForm(
              ChannelKind.WEBHOOK,
              "Webhook",
              List.of(
                  new Field(
                      "url",
                      "URL",
                      "password",
                      true,
                      false,
                      "Gets a signed JSON POST (Standard Webhooks)."))));

  static KindForm of(ChannelKind kind) {
    return KINDS.stream().filter(k -> k.kind() == kind).findFirst().orElseThrow();
  }

  static String label(ChannelKind kind) {
    return of(kind).label();
  }

  /**
   * The chosen kind's settings from the form: a secret left empty is left out (kept), a list is
   * split at commas.
   */
  static Map<String, Object> settings(ChannelKind kind, Map<String, String> form) {
    Map<String, Object> settings = new LinkedHashMap<>();
    for (Field f : of(kind).fields()) {
      String value = form.getOrDefault(kind.apiName() + "." + f.name(), "").strip();
      if (f.secret() && value.isEmpty()) {
        continue;
      }
      if (f.list()) {
        List<String> items = new ArrayList<>();
        Arrays.stream(value.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .forEach(items::add);
        settings.put(f.name(), items);
      } else if (!value.isEmpty() || !f.secret()) {
        settings.put(f.name(), value.isEmpty() ? null : value);
      }
    }
    return settings;
  }

  /** A stored setting as its input shows it: lists joined; secrets never (the input is empty). */
  static String shown(Channel channel, Field field) {
    if (field.secret() || channel == null) {
      return "";
    }
    Object value = channel.settings().get(field.name());
    if (value instanceof List<?> list) {
      return String.join(", ", list.stream().map(String::valueOf).toList());
    }
    return value == null ? "" : value.toString();
  }

  /**
   * Where a channel sends, masked: the first setting that names a target (a URL, a topic, a chat,
   * addresses), as the channel's answer holds it (secrets already masked there).
   */
  static String target(Channel channel) {
    Map<String, Object> s = channel.settings();
    for (String key :
        List.of(
            "webhook_url",
            "url",
            "topic",
            "chat_id",
            "addresses",
            "roles",
            "routing_key",
            "user_key")) {
      Object value = s.get(key);
      if (value instanceof List<?> list && !list.isEmpty()) {
        return String.join(", ", list.stream().map(String::valueOf).toList());
      }
      if (value != null && !(value instanceof List<?>) && !value.toString().isBlank()) {
        String text = value.toString();
        if ("topic".equals(key) && s.get("server_url") != null) {
          return s.get("server_url") + "/" + text;
        }
        return text;
      }
    }
    return "—";
  }
}
