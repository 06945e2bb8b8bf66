package eu.runlater.engine;

import java.time.Instant;
import java.util.UUID;

/**
 * A history entry that is not an HTTP attempt: an occurrence {@code missed} while nothing ran,
 * {@code skipped} (the previous run was still going), or a running attempt {@code cancelled}.
 *
 * @param taskId the task it concerns (a fresh id when no task ever existed)
 * @param reason why, in words a user reads in the history
 */
public record TaskEvent(
    UUID organizationId,
    UUID taskId,
    String sourceKind,
    UUID sourceId,
    String status,
    Instant scheduledFor,
    String reason,
    String url,
    String method) {
  public static final String MISSED = "missed";
  public static final String SKIPPED = "skipped";
  public static final String CANCELLED = "cancelled";
}
