package eu.runlater.alerts;

import java.time.Instant;
import java.util.UUID;

/**
 * One final outcome of one subject's work (a job's run, a queue's message: delivered or
 * dead-lettered, a monitor's check), as {@link AlertSignals} counts it.
 *
 * @param subjectKind {@code job}, {@code queue} or {@code monitor}
 * @param statusCode the target's last status, or null (no answer)
 * @param error what went wrong, in words, or null
 * @param snippet the first bytes of the response body as text (at most 500 characters), or null
 * @param executionId the attempt's execution row, for the message's link, or null
 */
public record Outcome(
    UUID organizationId,
    String subjectKind,
    UUID subjectId,
    boolean success,
    Instant at,
    Integer statusCode,
    String error,
    String snippet,
    UUID executionId) {}
