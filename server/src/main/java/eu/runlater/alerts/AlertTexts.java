package eu.runlater.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words every channel's format shares, so an alert reads the same on Slack and in a mail: what
 * failed and how, since when, the last answer, how many failures in a row, and where to act.
 */
final class AlertTexts {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  static final int SNIPPET = 300;

  /** Items a plain-text message lists; the log's page has them all. */
  static final int LISTED = 50;

  private AlertTexts() {}

  /** One labelled fact ("Last status" → "503"). */
  record Fact(String label, String value) {}

  /** One link to act on. */
  record Link(String label, String url) {}

  static boolean recovered(AlertMessage.Item item) {
    return "recovered".equals(item.change());
  }

  /** Whether the message tells of trouble (red), not only recoveries (green). */
  static boolean trouble(AlertMessage message) {
    if (message.kind().equals(AlertMessage.NOTICE)) {
      return false;
    }
    return message.items().stream().anyMatch(i -> !recovered(i))
        || message.kind().equals(AlertMessage.ALERT)
        || message.kind().equals(AlertMessage.REMINDER);
  }

  static String subject(AlertMessage.Item item) {
    String kind = item.subjectKind() == null ? "" : item.subjectKind();
    String label =
        kind.isEmpty() ? "" : Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " ";
    return label + item.subjectName();
  }

  /** "Job nightly-report: failing", "Job nightly-report: still failing", "… recovered". */
  static String title(AlertMessage.Item item) {
    String condition = item.conditionText() == null ? item.condition() : item.conditionText();
    return switch (item.change()) {
      case "recovered" -> subject(item) + " recovered";
      case "reminder" -> subject(item) + ": still " + condition;
      default -> subject(item) + ": " + condition;
    };
  }

  static List<Fact> facts(AlertMessage.Item item, Instant now) {
    List<Fact> facts = new ArrayList<>();
    if (recovered(item)) {
      if (item.downFor() != null) {
        facts.add(new Fact("Down for", duration(item.downFor())));
      }
      if (item.since() != null) {
        facts.add(new Fact("Failing since", time(item.since())));
      }
      return facts;
    }
    if (item.since() != null) {
      facts.add(
          new Fact(
              "Since",
              time(item.since()) + " (" + duration(Duration.between(item.since(), now)) + " ago)"));
    }
    if (item.consecutiveFailures() > 0) {
      facts.add(new Fact("Failures in a row", String.valueOf(item.consecutiveFailures())));
    }
    if (item.lastStatusCode() != null) {
      facts.add(new Fact("Last status", String.valueOf(item.lastStatusCode())));
    } else if (item.lastError() != null || item.consecutiveFailures() > 0) {
      facts.add(new Fact("Last status", "no answer"));
    }
    if (item.lastError() != null && !item.lastError().isBlank()) {
      facts.add(new Fact("Error", cut(item.lastError(), SNIPPET)));
    }
    if (item.snippet() != null && !item.snippet().isBlank()) {
      facts.add(new Fact("Response", cut(item.snippet().strip(), SNIPPET)));
    }
    return facts;
  }

  static List<Link> links(AlertMessage.Item item) {
    List<Link> links = new ArrayList<>();
    add(links, item.actionLabel(), item.actionUrl());
    String kind = item.subjectKind() == null ? "item" : item.subjectKind();
    add(links, "Open " + kind, item.subjectUrl());
    add(links, "Last execution", item.executionUrl());
    if (!recovered(item)) {
      add(links, "Mute", item.muteUrl());
      add(links, "Pause", item.pauseUrl());
    }
    return links;
  }

  private static void add(List<Link> links, String label, String url) {
    if (label != null && url != null && !url.isBlank()) {
      links.add(new Link(label, url));
    }
  }

  /** The message as plain text: the log's copy, a mail's text part, a push's body. */
  static String plain(AlertMessage message) {
    StringBuilder text = new StringBuilder(message.headline()).append('\n');
    List<AlertMessage.Item> items = message.items();
    for (AlertMessage.Item item : items.subList(0, Math.min(items.size(), LISTED))) {
      text.append('\n').append(title(item)).append('\n');
      for (Fact f : facts(item, message.at())) {
        text.append("  ").append(f.label()).append(": ").append(f.value()).append('\n');
      }
      for (Link l : links(item)) {
        text.append("  ").append(l.label()).append(": ").append(l.url()).append('\n');
      }
    }
    if (items.size() > LISTED) {
      text.append("\n…and ").append(items.size() - LISTED).append(" more.\n");
    }
    if (message.dashboardUrl() != null) {
      text.append("\nAll notifications: ").append(message.dashboardUrl()).append('\n');
    }
    return text.toString();
  }

  /** One short line per item, for pushes with little room. */
  static String brief(AlertMessage.Item item, Instant now) {
    StringBuilder line = new StringBuilder(title(item));
    if (recovered(item)) {
      if (item.downFor() != null) {
        line.append(" after ").append(duration(item.downFor())).append(" down");
      }
      return line.toString();
    }
    if (item.lastStatusCode() != null) {
      line.append(" — last status ").append(item.lastStatusCode());
    } else if (item.lastError() != null) {
      line.append(" — ").append(cut(item.lastError(), 120));
    }
    if (item.consecutiveFailures() > 1) {
      line.append(", ").append(item.consecutiveFailures()).append(" failures in a row");
    }
    if (item.since() != null) {
      line.append(", since ").append(duration(Duration.between(item.since(), now))).append(" ago");
    }
    return line.toString();
  }

  static String time(Instant at) {
    return TIME.format(at);
  }

  /** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + " min";
    }
    long h = m / 60;
    if (h < 24) {
      return h + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
    }
    return h / 24 + " d" + (h % 24 == 0 ? "" : " " + h % 24 + " h");
  }

  /** At most {@code max} characters, cut with an ellipsis. */
  static String cut(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
  }
}
