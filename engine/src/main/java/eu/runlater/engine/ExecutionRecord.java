package eu.runlater.engine;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What one attempt of a task did, as appended to the history. The task's own fields (organization,
 * source, request) are written beside it from the {@link ClaimedTask}.
 *
 * @param status {@code success}, {@code failed}, {@code timeout}, {@code blocked} (refused by the
 *     target policy) or {@code lost} (its lease expired before it reported)
 * @param finalAttempt whether this is the task's last execution, its terminal state
 * @param sentHeaders the headers sent besides the request's own: signatures, ids, trace
 * @param nextAttemptAt when the retry that follows runs, or null
 */
public record ExecutionRecord(
    UUID id,
    Instant createdAt,
    String status,
    boolean finalAttempt,
    Instant startedAt,
    Instant finishedAt,
    Long durationUs,
    Integer statusCode,
    String error,
    Instant nextAttemptAt,
    List<Header> sentHeaders,
    Response response,
    String node) {

  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";
  public static final String TIMEOUT = "timeout";
  public static final String BLOCKED = "blocked";
  public static final String LOST = "lost";

  /** The response as stored: headers, and the body up to the storage cap. */
  public record Response(List<Header> headers, byte[] body, boolean truncated) {}
}
