package eu.runlater.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** The notification log: what was sent, to which channel, when, and every attempt's answer. */
@Service
class NotificationLog {

  /**
   * One message and how its delivery went.
   *
   * @param status {@code pending}, {@code retrying}, {@code delivered} or {@code failed} (retries
   *     ran out)
   */
  record Notification(
      UUID id,
      UUID channelId,
      String channelName,
      String channelKind,
      String kind,
      String headline,
      String text,
      List<UUID> incidentIds,
      Instant createdAt,
      String status,
      Integer lastStatusCode,
      String lastError,
      int attempts) {}

  /** One attempt, from the engine's history. */
  record Attempt(
      UUID executionId,
      int attempt,
      String status,
      Integer statusCode,
      String error,
      String response,
      Instant startedAt,
      Long durationMs) {}

  /**
   * Filters; null is any.
   *
   * @param status as in {@link Notification#status()}
   */
  record Filter(UUID channelId, String kind, String status, UUID incidentId) {}

  /** Newest first; {@code before} is the cursor (the last id of the previous page), or null. */
  List<Notification> list(UUID organizationId, Filter filter, UUID before, int limit) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  Optional<Notification> find(UUID organizationId, UUID id) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  List<Attempt> attempts(UUID organizationId, UUID id) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  /** Notifications whose retries ran out since {@code since}, newest first (Home's attention). */
  List<Notification> failedSince(UUID organizationId, Instant since, int limit) {
    throw new UnsupportedOperationException("built by the channels branch");
  }
}
