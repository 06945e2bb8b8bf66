package eu.runlater.inbound;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A request to a hosted URL, as read from the wire.
 *
 * @param path what followed {@code /in/<token>} ({@code ""} for nothing)
 * @param query the raw query string, or null
 * @param headers every header in the order received, as (name, value) pairs
 * @param body the body, or null when it was not read (over the limit, or refused before)
 * @param bodySize the body's size: the bytes read, or the declared length of one not read
 * @param url the URL the provider called, as this instance's base URL sees it
 */
record Received(
    String method,
    String path,
    String query,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    long bodySize,
    String contentType,
    String sourceIp,
    String url,
    Instant at) {}
