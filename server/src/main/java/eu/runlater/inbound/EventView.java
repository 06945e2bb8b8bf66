package eu.runlater.inbound;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A received request as the API shows it.
 *
 * @param status accepted, duplicate or rejected
 * @param reason why it was rejected or is a duplicate
 * @param headers [[name, value], …] in the order received (basic auth and API key credentials
 *     hidden)
 * @param body the body as text when it is UTF-8, else base64 (see body_encoding); null when it was
 *     not stored (over 1 MB, or rate limited)
 * @param bodyEncoding utf8 or base64
 * @param verification the source's verification and its outcome; null when it did not run
 * @param eventKey the provider's event id used for dedup
 * @param forwards what each connection did with it, with every attempt (detail only; null in lists)
 */
record EventView(
    UUID id,
    UUID sourceId,
    String sourceName,
    Instant receivedAt,
    String method,
    String path,
    String query,
    List<List<String>> headers,
    String body,
    String bodyEncoding,
    long bodySize,
    String sourceIp,
    String status,
    String reason,
    InboundEvents.Verification verification,
    String eventKey,
    List<ForwardView> forwards) {

  /**
   * One connection's forward of the request.
   *
   * @param connectionId null once the connection is deleted (its name then ends " (deleted)")
   * @param state queued (a task delivers it; see attempts), held (the connection is paused),
   *     filtered (its filter was false) or failed (its transformation failed, or the connection was
   *     deleted while it held the request)
   * @param detail why it was filtered, held or failed
   * @param queueState for a connection with a rate or a parallelism, where the forward stands in
   *     its queue: waiting (held by those limits), queued (released), delivered, failed or
   *     cancelled; null for a forward that went straight to the engine
   */
  record ForwardView(
      UUID id,
      UUID connectionId,
      String connectionName,
      String destinationUrl,
      String state,
      String detail,
      Instant createdAt,
      Instant queuedAt,
      String queueState,
      List<AttemptView> attempts) {}

  /** One delivery attempt of a forward, from the execution history. */
  record AttemptView(
      UUID executionId,
      int attempt,
      String status,
      Integer statusCode,
      Instant startedAt,
      Instant finishedAt,
      String error) {}

  EventView withForwards(List<ForwardView> forwards) {
    return new EventView(
        id,
        sourceId,
        sourceName,
        receivedAt,
        method,
        path,
        query,
        headers,
        body,
        bodyEncoding,
        bodySize,
        sourceIp,
        status,
        reason,
        verification,
        eventKey,
        forwards);
  }
}
