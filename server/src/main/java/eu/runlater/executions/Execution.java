package eu.runlater.executions;

import eu.runlater.engine.Header;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One attempt as recorded; request and response are present only when read in detail. */
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
    Response response) {

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
