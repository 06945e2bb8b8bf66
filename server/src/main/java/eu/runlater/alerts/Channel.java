package eu.runlater.alerts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A channel as shown: its settings with every secret masked ({@code SealedRequests.MASK}, or a
 * URL's {@code SealedRequests.shownUrl}); never the secret itself.
 */
record Channel(
    UUID id,
    String name,
    ChannelKind kind,
    Map<String, Object> settings,
    boolean optIn,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt) {}
