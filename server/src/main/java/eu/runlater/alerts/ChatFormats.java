package eu.runlater.alerts;

import static eu.runlater.alerts.AlertTexts.cut;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Messages for chat webhooks, in each service's documented shape and within its limits: Slack Block
 * Kit, Discord embeds, a Microsoft Teams Adaptive Card. A message with more items than fit shows
 * the first ones and says how many more, with a link to the notification log.
 */
final class ChatFormats {
  static final JsonMapper JSON = JsonMapper.builder().build();

  // Slack: https://docs.slack.dev/reference/block-kit/blocks — 50 blocks, header 150, section
  // text 3000, 10 fields of 2000, 25 elements per actions block, button text 75, url 3000.
  static final int SLACK_ITEMS = 10;
  // Discord: https://discord.com/developers/docs/resources/message#embed-object-embed-limits —
  // 10 embeds, title 256, description 4096, 25 fields (name 256, value 1024), 6000 in all;
  // content 2000.
  static final int DISCORD_EMBEDS = 10;
  // Teams: a message may be at most 28 KB; ten items with their facts stay well under it.
  static final int TEAMS_ITEMS = 10;
  static final int RED = 0xD93025;
  static final int GREEN = 0x1E8E3E;
  static final int BLUE = 0x1A73E8;

  private ChatFormats() {}

  static ObjectNode slack(AlertMessage m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", cut(m.headline(), 3000));
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header
        .putObject("text")
        .put("type", "plain_text")
        .put("text", cut(icon(m) + " " + m.headline(), 150))
        .put("emoji", true);
    List<AlertMessage.Item> items = m.items();
    for (AlertMessage.Item item : items.subList(0, Math.min(items.size(), SLACK_ITEMS))) {
      ObjectNode section = blocks.addObject().put("type", "section");
      String title =
          item.subjectUrl() == null
              ? "*" + slackEscape(cut(AlertTexts.title(item), 300)) + "*"
              : "*<"
                  + item.subjectUrl()
                  + "|"
                  + slackEscape(cut(AlertTexts.title(item), 300))
                  + ">*";
      section.putObject("text").put("type", "mrkdwn").put("text", cut(title, 3000));
      List<AlertTexts.Fact> facts = AlertTexts.facts(item, m.at());
      if (!facts.isEmpty()) {
        ArrayNode fields = section.putArray("fields");
        for (AlertTexts.Fact f : facts.subList(0, Math.min(facts.size(), 10))) {
          fields
              .addObject()
              .put("type", "mrkdwn")
              .put("text", cut("*" + f.label() + "*\n" + slackEscape(f.value()), 2000));
        }
      }
      List<AlertTexts.Link> links = AlertTexts.links(item);
      if (!links.isEmpty()) {
        ArrayNode elements = blocks.addObject().put("type", "actions").putArray("elements");
        for (AlertTexts.Link l : links) {
          ObjectNode button = elements.addObject().put("type", "button");
          button.putObject("text").put("type", "plain_text").put("text", cut(l.label(), 75));
          button.put("url", l.url());
          if (l.label().startsWith("Open")) {
            button.put("style", AlertTexts.recovered(item) ? "primary" : "danger");
          }
        }
      }
    }
    ObjectNode context = blocks.addObject().put("type", "context");
    String more = items.size() > SLACK_ITEMS ? (items.size() - SLACK_ITEMS) + " more — " : "";
    String footer =
        more
            + slackEscape(m.organizationName())
            + " · "
            + AlertTexts.time(m.at())
            + (m.dashboardUrl() == null ? "" : " · <" + m.dashboardUrl() + "|All notifications>");
    context.putArray("elements").addObject().put("type", "mrkdwn").put("text", cut(footer, 3000));
    return root;
  }

  /** Slack's mrkdwn needs only &, < and > escaped. */
  static String slackEscape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static ObjectNode discord(AlertMessage m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("content", cut(m.headline(), 2000));
    root.put("username", "Runlater");
    root.putObject("allowed_mentions").putArray("parse");
    ArrayNode embeds = root.putArray("embeds");
    List<AlertMessage.Item> items = m.items();
    int shown =
        Math.min(items.size(), items.size() > DISCORD_EMBEDS ? DISCORD_EMBEDS - 1 : DISCORD_EMBEDS);
    // 6000 characters across all embeds: each gets its share.
    int budget = 5_800 / Math.max(1, Math.min(items.size(), DISCORD_EMBEDS));
    for (AlertMessage.Item item : items.subList(0, shown)) {
      int left = budget;
      ObjectNode embed = embeds.addObject();
      String title = cut(AlertTexts.title(item), Math.min(256, left / 4));
      embed.put("title", title);
      left -= title.length();
      if (item.subjectUrl() != null) {
        embed.put("url", item.subjectUrl());
      }
      embed.put(
          "color", item.change().equals("recovered") ? GREEN : m.informational() ? BLUE : RED);
      embed.put("timestamp", m.at().toString());
      StringBuilder description = new StringBuilder();
      for (AlertTexts.Link l : AlertTexts.links(item)) {
        description
            .append(description.isEmpty() ? "" : " · ")
            .append("[")
            .append(l.label())
            .append("](")
            .append(l.url())
            .append(")");
      }
      String desc = cut(description.toString(), Math.min(4096, left / 2));
      if (!desc.isEmpty()) {
        embed.put("description", desc);
        left -= desc.length();
      }
      ArrayNode fields = embed.putArray("fields");
      for (AlertTexts.Fact f : AlertTexts.facts(item, m.at())) {
        String value =
            cut(
                f.label().equals("Response") ? "```\n" + cut(f.value(), 250) + "\n```" : f.value(),
                1024);
        if (left < f.label().length() + value.length() || fields.size() == 25) {
          break;
        }
        fields
            .addObject()
            .put("name", cut(f.label(), 256))
            .put("value", value)
            .put("inline", !f.label().equals("Response") && !f.label().equals("Error"));
        left -= f.label().length() + value.length();
      }
      embed.putObject("footer").put("text", cut(m.organizationName(), 200));
    }
    if (items.size() > shown) {
      ObjectNode more = embeds.addObject();
      more.put("title", (items.size() - shown) + " more");
      if (m.dashboardUrl() != null) {
        more.put("url", m.dashboardUrl());
        more.put("description", "[All notifications](" + m.dashboardUrl() + ")");
      }
      more.put("color", RED);
    }
    return root;
  }

  static ObjectNode teams(AlertMessage m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.putNull("contentUrl");
    ObjectNode card = attachment.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    card.putObject("msteams").put("width", "Full");
    ArrayNode body = card.putArray("body");
    body.addObject()
        .put("type", "TextBlock")
        .put("text", cut(m.headline(), 500))
        .put("size", "Large")
        .put("weight", "Bolder")
        .put("wrap", true)
        .put("color", AlertTexts.trouble(m) && !m.informational() ? "Attention" : "Good");
    List<AlertMessage.Item> items = m.items();
    for (AlertMessage.Item item : items.subList(0, Math.min(items.size(), TEAMS_ITEMS))) {
      ObjectNode container = body.addObject().put("type", "Container").put("separator", true);
      ArrayNode items2 = container.putArray("items");
      items2
          .addObject()
          .put("type", "TextBlock")
          .put("text", cut(AlertTexts.title(item), 300))
          .put("weight", "Bolder")
          .put("wrap", true)
          .put("color", AlertTexts.recovered(item) ? "Good" : "Attention");
      ArrayNode facts = items2.addObject().put("type", "FactSet").putArray("facts");
      for (AlertTexts.Fact f : AlertTexts.facts(item, m.at())) {
        facts.addObject().put("title", f.label()).put("value", f.value());
      }
      List<AlertTexts.Link> links = AlertTexts.links(item);
      if (!links.isEmpty()) {
        ArrayNode actions = items2.addObject().put("type", "ActionSet").putArray("actions");
        for (AlertTexts.Link l : links) {
          actions
              .addObject()
              .put("type", "Action.OpenUrl")
              .put("title", l.label())
              .put("url", l.url());
        }
      }
    }
    if (items.size() > TEAMS_ITEMS) {
      body.addObject()
          .put("type", "TextBlock")
          .put("text", (items.size() - TEAMS_ITEMS) + " more")
          .put("wrap", true);
    }
    body.addObject()
        .put("type", "TextBlock")
        .put("text", m.organizationName() + " · " + AlertTexts.time(m.at()))
        .put("isSubtle", true)
        .put("size", "Small")
        .put("wrap", true);
    if (m.dashboardUrl() != null) {
      card.putArray("actions")
          .addObject()
          .put("type", "Action.OpenUrl")
          .put("title", "All notifications")
          .put("url", m.dashboardUrl());
    }
    return root;
  }

  private static String icon(AlertMessage m) {
    if (m.kind().equals(AlertMessage.TEST)) {
      return ":white_check_mark:";
    }
    if (m.kind().equals(AlertMessage.NOTICE)) {
      return ":raised_hand:";
    }
    return AlertTexts.trouble(m) ? ":rotating_light:" : ":large_green_circle:";
  }
}
