package eu.runlater.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * What alerts put on Home's "Needs attention": messages to a channel whose retries ran out (in the
 * last day), and open incidents (what is alerting, or muted while broken).
 */
@Component
public class AlertAttention {
  /** How far back a delivery that failed for good is still news. */
  static final Duration FAILED_WINDOW = Duration.ofDays(1);

  private final NotificationLog log;
  private final Incidents incidents;
  private final List<AlertSubjects> subjects;
  private final InstantSource clock;

  AlertAttention(
      NotificationLog log, Incidents incidents, List<AlertSubjects> subjects, InstantSource clock) {
    this.log = log;
    this.incidents = incidents;
    this.subjects = subjects;
    this.clock = clock;
  }

  /**
   * One item, in Home's words.
   *
   * @param state {@code failed} (a delivery gave up; an incident alerting) or {@code paused} (a
   *     muted incident)
   */
  public record Item(String state, String name, String href, String reason, Instant since) {}

  public List<Item> items(UUID organizationId, int limit) {
    Instant now = clock.instant();
    List<Item> items = new ArrayList<>();
    for (NotificationLog.Notification n :
        log.failedSince(organizationId, now.minus(FAILED_WINDOW), limit)) {
      String answer =
          n.lastStatusCode() != null
              ? "its target answered " + n.lastStatusCode()
              : (n.lastError() != null ? n.lastError() : "no answer");
      items.add(
          new Item(
              "failed",
              "Alert to " + n.channelName() + " not delivered",
              "/notifications/" + n.id(),
              "“" + n.headline() + "”: retries ran out; " + answer,
              n.createdAt()));
    }
    List<Incidents.Incident> open = incidents.open(organizationId);
    Map<String, List<UUID>> byKind =
        open.stream()
            .collect(
                Collectors.groupingBy(
                    Incidents.Incident::subjectKind,
                    Collectors.mapping(Incidents.Incident::subjectId, Collectors.toList())));
    Map<UUID, AlertSubjects.Subject> named = new java.util.HashMap<>();
    for (AlertSubjects s : subjects) {
      List<UUID> ids = byKind.get(s.kind());
      if (ids != null) {
        named.putAll(s.describe(organizationId, ids));
      }
    }
    for (Incidents.Incident i : open) {
      AlertSubjects.Subject subject = named.get(i.subjectId());
      String name;
      if (subject != null) {
        name = subject.name();
      } else if (i.subjectName() != null && !i.subjectName().isBlank()) {
        name = i.subjectName();
      } else {
        // The organization's own incidents (its monthly usage) have no subject page to name them.
        name = "organization".equals(i.subjectKind()) ? "Monthly usage" : i.subjectKind();
      }
      String href =
          subject != null ? subject.path() + "#alerts" : "/notifications?incident=" + i.id();
      String detail = i.detail() != null ? i.detail() : i.condition();
      items.add(
          new Item(
              i.muted() ? "paused" : "failed",
              name + (i.muted() ? " (alerts muted)" : " is alerting"),
              href,
              detail,
              i.since()));
    }
    return items.size() > limit ? List.copyOf(items.subList(0, limit)) : items;
  }
}
