package eu.runlater.queues;

import eu.runlater.platform.errors.NulCharacters;
import java.util.LinkedHashMap;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A message as {@code POST /api/v1/queues/{name}/messages} accepts it.
 *
 * @param queue in a batch: the queue (default {@code default}); in a push to {@code
 *     /queues/{name}/messages} leave it out (the path names the queue)
 * @param body a string is sent as-is; any other JSON value is sent as JSON
 * @param delay wait this long first ({@code 90s}, {@code 15m}, ISO-8601); at most one year
 * @param notBefore instead of {@code delay}: not before this RFC 3339 instant
 * @param retries after the first attempt, 0 to 10; the queue's default when absent
 * @param timeoutMs 1000 to 300000; the queue's default when absent
 * @param callbackUrl receives the outcome (status, response headers, base64 body) after delivery
 * @param failureCallbackUrl receives the outcome after the last attempt failed
 * @param dedupId a second message with the same id within 24 hours is not enqueued
 * @param contentBasedDedup deduplicate on the request itself (URL, method, headers, body)
 * @param orderingKey messages with the same key are delivered one at a time, in push order
 * @param workflow instead of {@code url}: the message starts a run of this workflow (its key), with
 *     {@code body} (a JSON object) as the run's input
 */
record MessageInput(
    String queue,
    String url,
    String method,
    LinkedHashMap<String, String> headers,
    List<String> secretHeaders,
    // Stored and sent as bytes: a NUL character in it is data.
    @JsonDeserialize(using = NulCharacters.Accepted.class) JsonNode body,
    Boolean secretBody,
    Integer timeoutMs,
    Integer retries,
    String delay,
    String notBefore,
    String callbackUrl,
    String failureCallbackUrl,
    String dedupId,
    Boolean contentBasedDedup,
    String orderingKey,
    String workflow) {

  /** The same message sent to {@code url} with {@code headers} and {@code timeoutMs}. */
  MessageInput to(String url, LinkedHashMap<String, String> headers, Integer timeoutMs) {
    return new MessageInput(
        queue,
        url,
        method,
        headers,
        secretHeaders,
        body,
        secretBody,
        timeoutMs,
        retries,
        delay,
        notBefore,
        callbackUrl,
        failureCallbackUrl,
        dedupId,
        contentBasedDedup,
        orderingKey,
        workflow);
  }
}
