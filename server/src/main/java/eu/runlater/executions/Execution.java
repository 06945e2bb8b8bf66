package eu.runlater.executions;

import eu.runlater.engine.Header;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One attempt as recorded; request and response are present only when read in detail.
 *
 * @param held what held the attempt back past its time, as the engine recorded it, or null
 */
public record Execution(
    UUID id,
    UUID organizationId,
    UUID taskId,
    String sourceKind,
    UUID sourceId,
    int attempt,
    String status,
    boolean finalAttempt,
    Instant scheduledFor,
    Instant dueAt,
    Instant startedAt,
    Instant finishedAt,
    Long durationUs,
    Integer statusCode,
    String error,
    String node,
    Instant nextAttemptAt,
    Request request,
    Response response,
    Held held) {

  /**
   * What held an attempt back (the engine's {@code held_by}): {@code host_circuit} or {@code
   * host_throttle} with the target ({@code https://api.example.com:443}) as {@code note}, or {@code
   * node_lost} (an earlier attempt was lost with its node, named in {@code note}).
   *
   * @param since when the hold began for this run (never before its due time)
   * @param until when it ended, or null
   */
  public record Held(String by, Instant since, Instant until, String note) {}

  /** The request as sent: plain headers, secret ones still sealed. */
  public record Request(
      String url,
      String method,
      List<Header> headers,
      byte[] sealedHeaders,
      byte[] body,
      boolean bodySealed) {}

  public record Response(List<Header> headers, byte[] body, boolean truncated) {}
}
