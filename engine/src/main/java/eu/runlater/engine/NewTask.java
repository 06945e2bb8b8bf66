package eu.runlater.engine;

import java.time.Instant;
import java.util.UUID;

/**
 * A task to insert: one HTTP delivery due at {@code runAt}, retried up to {@code maxAttempts}
 * attempts in all.
 *
 * @param sourceKind what produced it ({@code job}, {@code message}, …); names the {@code
 *     Runlater-<Kind>-Id} header
 * @param priority 0 (first) to 9
 * @param scheduledFor the time it was planned for (a cron occurrence, a requested delay)
 */
public record NewTask(
    UUID id,
    UUID organizationId,
    String sourceKind,
    UUID sourceId,
    int priority,
    Instant runAt,
    Instant scheduledFor,
    int maxAttempts,
    Backoff backoff,
    TaskRequest request) {

  public static final int MAX_PRIORITY = 9;
  public static final int MAX_ATTEMPTS = 11;

  public NewTask {
    if (priority < 0 || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority must be 0.." + MAX_PRIORITY);
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("maxAttempts must be 1.." + MAX_ATTEMPTS);
    }
    if (!sourceKind.matches("[a-z][a-z_]{0,30}")) {
      throw new IllegalArgumentException("sourceKind must be lower-case letters: " + sourceKind);
    }
  }
}
