package eu.runlater.inbound;

import eu.runlater.engine.Engine;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps received requests as long as their organization's tier keeps its run history ({@link
 * InboundLimits#kept}), and drops dedup ids past their 24 h. On the leader only, every few minutes,
 * in batches (each its own statement), so a large backlog never holds one long transaction.
 *
 * <p>Failure: a failed pass is logged (once for a run of them) and the next one carries on; nothing
 * is deleted that is younger than the tier keeps.
 */
@Component
class InboundRetention extends eu.runlater.platform.BackgroundLoop {
  static final Duration INTERVAL = Duration.ofMinutes(5);
  static final int BATCH = 1_000;

  private final JdbcClient jdbc;
  private final Engine engine;
  private final InstantSource clock;

  InboundRetention(JdbcClient jdbc, Engine engine, InstantSource clock) {
    super("runlater-inbound-retention", "Deleting inbound requests past retention");
    this.jdbc = jdbc;
    this.engine = engine;
    this.clock = clock;
  }

  /** What a pass deleted. */
  record Result(long events, long dedupIds) {}

  /** One pass at {@code now}: every tier's requests older than it keeps, and expired dedup ids. */
  Result runOnce(Instant now) {
    long events = 0;
    for (Tier tier : Tier.values()) {
      Instant before = now.minus(InboundLimits.kept(tier));
      int deleted;
      do {
        deleted =
            jdbc.sql(InboundEventsQueries.EVENT_PURGE_OLD)
                .param("bound", firstIdOf(before))
                .param("before", SqlTime.ts(before))
                .param("tier", tier.code())
                .param("batch", BATCH)
                .update();
        events += deleted;
      } while (deleted == BATCH);
    }
    long dedup =
        jdbc.sql(InboundEventsQueries.DEDUP_PURGE_EXPIRED).param("now", SqlTime.ts(now)).update();
    return new Result(events, dedup);
  }

  /** The smallest UUIDv7 of {@code at}'s millisecond: every id of a request before it is less. */
  static UUID firstIdOf(Instant at) {
    return new UUID((at.toEpochMilli() << 16) | 0x7000L, 0x8000_0000_0000_0000L);
  }

  @Override
  protected void loop() {
    repeat(INTERVAL, engine::isLeader, () -> runOnce(clock.instant()));
  }
}
