package eu.runlater.inbound;

import java.time.Instant;
import java.util.UUID;

/**
 * A connection as stored, and as the API shows it (without its organization).
 *
 * @param method null: the method the request came with
 * @param filter a CEL bool, or null for every request
 * @param transform a CEL map of {@code body} and {@code headers}, or null to forward as received
 * @param retries retries after the first attempt
 */
record Connection(
    UUID id,
    @com.fasterxml.jackson.annotation.JsonIgnore UUID organizationId,
    UUID sourceId,
    String name,
    String destinationUrl,
    String method,
    String filter,
    String transform,
    int timeoutMs,
    int retries,
    boolean paused,
    Instant createdAt,
    Instant updatedAt) {

  /** What a patch applies to. */
  ConnectionInput asInput() {
    return new ConnectionInput(
        sourceId, name, destinationUrl, method, filter, transform, timeoutMs, retries);
  }
}
