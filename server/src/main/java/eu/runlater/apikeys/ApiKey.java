package eu.runlater.apikeys;

import eu.runlater.platform.security.ApiScope;
import java.time.Instant;
import java.util.UUID;

/**
 * An API key as listed: its public half ({@code pk_live_…}), never its secret.
 *
 * @param prefix the public half, enough to recognise the key in a list
 * @param scope what the key may do: {@code full}, {@code read-only} or {@code send}
 */
public record ApiKey(
    UUID id,
    String name,
    String prefix,
    UUID createdBy,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt,
    ApiScope scope) {}
