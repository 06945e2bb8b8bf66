package eu.runlater.inbound;

import java.util.UUID;

/**
 * A connection as the API takes it.
 *
 * @param sourceId the source whose accepted requests it forwards
 * @param destinationUrl the http(s) URL to forward to (SSRF-guarded like every delivery)
 * @param method the method to forward with; absent: the one the request came with
 * @param filter a CEL expression that must be true for a request to be forwarded
 * @param transform a CEL expression making a map of {@code body} (any JSON value) and {@code
 *     headers} (a map of strings) that replace the request's
 * @param timeoutMs each attempt's timeout (1,000 to 300,000; default 30,000)
 * @param retries retries after the first attempt (0 to 10; default 5)
 * @param parallelism forwards in flight at most (1 to 1,000; default 10 when a rate is set, none
 *     when neither is)
 * @param rate at most {@code limit} (1 to 100,000) forwards start per {@code per} ({@code second}
 *     or {@code minute}); absent: no rate
 */
record ConnectionInput(
    UUID sourceId,
    String name,
    String destinationUrl,
    String method,
    String filter,
    String transform,
    Integer timeoutMs,
    Integer retries,
    Integer parallelism,
    RateInput rate) {

  record RateInput(Integer limit, String per) {}
}
