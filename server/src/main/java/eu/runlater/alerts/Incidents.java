package eu.runlater.alerts;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Incidents as the pages show them: a badge on a failing item, the list of what is broken. */
@Service
public class Incidents {

  /**
   * An incident that is open (its alert went or waits), for a subject and condition.
   *
   * @param condition {@code failing}, {@code depth}, {@code oldest_waiting}, {@code usage_80},
   *     {@code usage_100}
   * @param detail the condition in words, for the badge's title
   */
  public record Incident(
      UUID id,
      String subjectKind,
      UUID subjectId,
      String subjectName,
      String condition,
      Instant since,
      int consecutiveFailures,
      Integer lastStatusCode,
      String lastError,
      String detail,
      boolean muted) {}

  /** The open incidents of these subjects, one per subject (the oldest when several). */
  public Map<UUID, Incident> open(UUID organizationId, String subjectKind, Collection<UUID> ids) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  /** Every open incident of the organization, oldest first. */
  public List<Incident> open(UUID organizationId) {
    throw new UnsupportedOperationException("built by the rules branch");
  }
}
