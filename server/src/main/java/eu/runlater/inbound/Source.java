package eu.runlater.inbound;

import java.time.Instant;
import java.util.UUID;

/**
 * A source as stored, its secret opened.
 *
 * @param token the hosted URL's secret part: {@code /in/<token>}
 * @param responseStatus the answer to an accepted request; null: 202 with the request id as JSON
 * @param version raised by every change of the source: the requests verified with this copy are
 *     stored only while the source still has it
 * @param tier its organization's tier code ({@code free}, {@code pro}): caps the rate limit
 */
record Source(
    UUID id,
    UUID organizationId,
    String name,
    String token,
    VerificationSpec verification,
    String dedupHeader,
    String dedupJsonPath,
    Integer responseStatus,
    String responseBody,
    String responseType,
    int rateRequests,
    int rateWindowSeconds,
    Instant createdAt,
    Instant updatedAt,
    long version,
    String tier) {}
