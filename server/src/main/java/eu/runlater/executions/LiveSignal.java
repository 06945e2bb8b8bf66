package eu.runlater.executions;

import java.time.Instant;
import java.util.UUID;

/**
 * A change besides an execution that open pages show live: a producer whose rows appear without an
 * execution (an inbound request with no forward, or a rejected one) implements it, and {@link
 * LiveFeed} folds its fingerprint into the organization's, so the pages following the feed re-fetch
 * when it changes, on every node (the fingerprint is read from the database, as the executions'
 * is).
 */
public interface LiveSignal {
  /**
   * What changed for the organization since {@code since}, as a short string that differs when
   * anything did: one bounded, indexed query (it runs once a second per watched organization).
   */
  String fingerprint(UUID organizationId, Instant since);
}
