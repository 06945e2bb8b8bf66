package eu.runlater.alerts;

import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Organization;
import eu.runlater.organizations.Organizations;
import eu.runlater.platform.web.PublicUrl;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Builds the one message a channel's group becomes: one item per incident, subjects named through
 * the {@link AlertSubjects} beans, links absolute, and a headline that says it all ("3 jobs are
 * failing: a, b, c", "nightly-report recovered after 14 min").
 */
@Component
class GroupMessages {
  static final int NAMES_IN_HEADLINE = 5;

  private final Map<String, AlertSubjects> subjects = new HashMap<>();
  private final Organizations organizations;
  private final PublicUrl publicUrl;

  GroupMessages(List<AlertSubjects> subjects, Organizations organizations, PublicUrl publicUrl) {
    subjects.forEach(s -> this.subjects.put(s.kind(), s));
    this.organizations = organizations;
    this.publicUrl = publicUrl;
  }

  /** One incident's change as the outbox and the incident row hold it. */
  record Change(
      UUID incidentId,
      String change,
      String subjectKind,
      UUID subjectId,
      String subjectName,
      String condition,
      Instant firstFailureAt,
      Instant openedAt,
      Instant closedAt,
      int consecutiveFailures,
      Integer lastStatusCode,
      String lastError,
      String snippet,
      UUID executionId,
      String detail) {

    static Change read(ResultSet rs, String change) throws SQLException {
      return new Change(
          rs.getObject("id", UUID.class),
          change,
          rs.getString("subject_kind"),
          rs.getObject("subject_id", UUID.class),
          rs.getString("subject_name"),
          rs.getString("condition"),
          SqlTime.instant(rs, "first_failure_at"),
          SqlTime.instant(rs, "opened_at"),
          SqlTime.instant(rs, "closed_at"),
          rs.getInt("consecutive_failures"),
          (Integer) rs.getObject("last_status_code"),
          rs.getString("last_error"),
          rs.getString("last_snippet"),
          rs.getObject("last_execution_id", UUID.class),
          rs.getString("detail"));
    }
  }

  AlertMessage message(UUID organizationId, List<Change> changes, Instant now) {
    String orgName = organizations.find(organizationId).map(Organization::name).orElse("");
    Map<String, List<UUID>> idsByKind = new HashMap<>();
    for (Change c : changes) {
      idsByKind.computeIfAbsent(c.subjectKind(), k -> new ArrayList<>()).add(c.subjectId());
    }
    Map<UUID, AlertSubjects.Subject> named = new HashMap<>();
    for (var e : idsByKind.entrySet()) {
      AlertSubjects s = subjects.get(e.getKey());
      if (s != null) {
        named.putAll(s.describe(organizationId, e.getValue()));
      }
    }
    List<AlertMessage.Item> items = new ArrayList<>();
    for (Change c : changes) {
      AlertSubjects.Subject subject = named.get(c.subjectId());
      if (subject == null && AlertRules.ORGANIZATION.equals(c.subjectKind())) {
        subject = new AlertSubjects.Subject(orgName, "/settings", null);
      }
      String name =
          subject != null
              ? subject.name()
              : c.subjectName() != null && !c.subjectName().isEmpty()
                  ? c.subjectName()
                  : c.subjectKind() + " " + c.subjectId();
      boolean recovered = RuleEngine.Decision.RECOVERED.equals(c.change());
      items.add(
          new AlertMessage.Item(
              c.incidentId(),
              c.change(),
              c.subjectKind(),
              c.subjectId(),
              name,
              subject == null ? publicUrl.of("/") : publicUrl.of(subject.path()),
              c.condition(),
              conditionText(c),
              c.firstFailureAt(),
              recovered && c.closedAt() != null
                  ? Duration.between(c.firstFailureAt(), c.closedAt())
                  : null,
              c.consecutiveFailures(),
              c.lastStatusCode(),
              c.lastError(),
              c.snippet(),
              c.executionId() == null ? null : publicUrl.of("/executions/" + c.executionId()),
              publicUrl.of("/alerts/mute?subject=" + c.subjectKind() + ":" + c.subjectId()),
              subject == null || subject.pausePath() == null
                  ? null
                  : publicUrl.of(subject.pausePath())));
    }
    items.sort(
        Comparator.comparing((AlertMessage.Item i) -> order(i.change()))
            .thenComparing(AlertMessage.Item::subjectName));
    return new AlertMessage(
        organizationId,
        orgName,
        kind(items),
        headline(items),
        items,
        now,
        publicUrl.of("/notifications"));
  }

  private static int order(String change) {
    return switch (change) {
      case "opened" -> 0;
      case "reminder" -> 1;
      default -> 2;
    };
  }

  static String kind(List<AlertMessage.Item> items) {
    String first = items.getFirst().change();
    for (AlertMessage.Item i : items) {
      if (!i.change().equals(first)) {
        return AlertMessage.DIGEST;
      }
    }
    return switch (first) {
      case "opened" -> AlertMessage.ALERT;
      case "recovered" -> AlertMessage.RECOVERY;
      default -> AlertMessage.REMINDER;
    };
  }

  static String headline(List<AlertMessage.Item> items) {
    String kind = kind(items);
    if (kind.equals(AlertMessage.DIGEST)) {
      long opened = items.stream().filter(i -> i.change().equals("opened")).count();
      long still = items.stream().filter(i -> i.change().equals("reminder")).count();
      long recovered = items.stream().filter(i -> i.change().equals("recovered")).count();
      List<String> parts = new ArrayList<>();
      if (opened > 0) {
        parts.add(opened + " failing");
      }
      if (still > 0) {
        parts.add(still + " still failing");
      }
      if (recovered > 0) {
        parts.add(recovered + " recovered");
      }
      return String.join(", ", parts) + ": " + names(items);
    }
    if (items.size() == 1) {
      AlertMessage.Item i = items.getFirst();
      return switch (kind) {
        case AlertMessage.ALERT -> i.subjectName() + " " + verb(i, false);
        case AlertMessage.RECOVERY ->
            i.subjectName()
                + " recovered"
                + (i.downFor() == null ? "" : " after " + words(i.downFor()));
        default -> i.subjectName() + " " + verb(i, true);
      };
    }
    String things = plural(items);
    return switch (kind) {
      case AlertMessage.ALERT ->
          items.size()
              + " "
              + things
              + (items.stream().allMatch(i -> "down".equals(i.condition()))
                  ? " are down: "
                  : " are failing: ")
              + names(items);
      case AlertMessage.RECOVERY -> items.size() + " " + things + " recovered: " + names(items);
      default -> items.size() + " " + things + " are still failing: " + names(items);
    };
  }

  private static String verb(AlertMessage.Item i, boolean still) {
    String s = still ? "still " : "";
    if ("down".equals(i.condition())) {
      // A monitor: the condition's detail says why ("no ping since …", "HTTP 503 twice").
      return "is " + s + "down: " + i.conditionText();
    }
    return AlertSignals.FAILING.equals(i.condition())
        ? "is " + s + "failing"
        : "is " + s + "in trouble: " + i.conditionText();
  }

  private static String plural(List<AlertMessage.Item> items) {
    String kind = items.getFirst().subjectKind();
    boolean same = items.stream().allMatch(i -> i.subjectKind().equals(kind));
    if (!same) {
      return "items";
    }
    return switch (kind) {
      case "job" -> "jobs";
      case "queue" -> "queues";
      case "monitor" -> "monitors";
      case "workflow" -> "workflows";
      default -> "items";
    };
  }

  private static String names(List<AlertMessage.Item> items) {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < items.size() && k < NAMES_IN_HEADLINE; k++) {
      names.add(items.get(k).subjectName());
    }
    String s = String.join(", ", names);
    return items.size() > NAMES_IN_HEADLINE
        ? s + " and " + (items.size() - NAMES_IN_HEADLINE) + " more"
        : s;
  }

  static String conditionText(Change c) {
    if (!AlertSignals.FAILING.equals(c.condition())) {
      return c.detail() == null ? c.condition() : c.detail();
    }
    if (RuleEngine.Decision.RECOVERED.equals(c.change())) {
      return "works again";
    }
    return c.consecutiveFailures() == 1 ? "failed" : c.consecutiveFailures() + " failures in a row";
  }

  /** "45 s", "14 min", "2 h 5 min", "3 d 4 h". */
  static String words(Duration d) {
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
      return h + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " min");
    }
    return h / 24 + " d" + (h % 24 == 0 ? "" : " " + (h % 24) + " h");
  }
}
