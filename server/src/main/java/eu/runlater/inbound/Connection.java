package eu.runlater.inbound;

import com.fasterxml.jackson.annotation.JsonIgnore;
import eu.runlater.queues.QueueMessages;
import java.time.Instant;
import java.util.UUID;

/**
 * A connection as stored, and as the API shows it (without its organization).
 *
 * @param method null: the method the request came with
 * @param filter a CEL bool, or null for every request
 * @param transform a CEL map of {@code body} and {@code headers}, or null to forward as received
 * @param retries retries after the first attempt
 * @param parallelism forwards in flight at most, or null (with no rate) for no flow control
 * @param rate at most {@code limit} forwards start per {@code per} (second or minute), or null
 */
record Connection(
    UUID id,
    @JsonIgnore UUID organizationId,
    UUID sourceId,
    String name,
    String destinationUrl,
    String method,
    String filter,
    String transform,
    int timeoutMs,
    int retries,
    Integer parallelism,
    Rate rate,
    boolean paused,
    Instant createdAt,
    Instant updatedAt) {

  /** Who owns a limited connection's queue, as the queues list names it. */
  static final String QUEUE_OWNER = "inbound connection";

  record Rate(int limit, String per) {}

  /** The flow control its forwards go through, or null: straight to the engine. */
  @JsonIgnore
  QueueMessages.Limits limits() {
    if (parallelism == null && rate == null) {
      return null;
    }
    return new QueueMessages.Limits(
        parallelism == null ? QueueMessages.DEFAULT_PARALLELISM : parallelism,
        rate == null ? null : rate.limit(),
        rate == null ? null : "minute".equals(rate.per()) ? 60_000 : 1_000);
  }

  /** The queue a limited connection owns: its forwards are that queue's messages. */
  @JsonIgnore
  String queueName() {
    return queueName(id);
  }

  static String queueName(UUID connectionId) {
    return "inbound-" + connectionId;
  }

  /** What a patch applies to. */
  ConnectionInput asInput() {
    return new ConnectionInput(
        sourceId,
        name,
        destinationUrl,
        method,
        filter,
        transform,
        timeoutMs,
        retries,
        parallelism,
        rate == null ? null : new ConnectionInput.RateInput(rate.limit(), rate.per()));
  }
}
