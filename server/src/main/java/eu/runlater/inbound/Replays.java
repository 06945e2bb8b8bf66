package eu.runlater.inbound;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.ratelimit.RequestQuota;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Replays stored requests: forwards them again over their source's connections (or one of them), as
 * new forwards beside the old ones. One request, or every request matching a filter, spaced by a
 * rate so that a replay cannot flood a destination (as a dead-letter redrive is). Rejected requests
 * are never replayed: they did not pass their source's checks.
 */
@Service
class Replays {
  /** The most requests one replay call forwards; call again for the rest. */
  static final int MAX_REPLAY = 1_000;

  static final int DEFAULT_RATE_PER_SECOND = 10;

  private final JdbcClient jdbc;
  private final Sources sources;
  private final Forwards forwards;
  private final InstantSource clock;

  Replays(JdbcClient jdbc, Sources sources, Forwards forwards, InstantSource clock) {
    this.jdbc = jdbc;
    this.sources = sources;
    this.forwards = forwards;
    this.clock = clock;
  }

  /**
   * @param matched how many stored requests match (accepted or duplicate)
   * @param replayed how many this call forwarded again (0 on a dry run)
   * @param forwards how many forwards those made (one per connection)
   * @param lastStartAt when the last of them is due, given the rate
   */
  record Result(
      long matched,
      long replayed,
      long forwards,
      boolean dryRun,
      int ratePerSecond,
      Instant lastStartAt) {}

  private record Stored(UUID sourceId, String status, Forwards.Request request) {}

  /** Forwards one stored request again, now. */
  @Transactional
  void one(UUID organizationId, UUID eventId, UUID connectionId) {
    Stored stored =
        jdbc.sql(InboundEventsQueries.EVENT_REPLAY_ONE)
            .param("organization_id", organizationId)
            .param("id", eventId)
            .query(this::row)
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("inbound event", eventId));
    if (InboundEvents.REJECTED.equals(stored.status())) {
      throw ApiProblem.conflict(
          "replay-rejected",
          "This request was rejected by its source (see its reason) and is never forwarded.");
    }
    Instant now = clock.instant();
    int made =
        forwards.plan(
            sources.get(organizationId, stored.sourceId()),
            stored.request(),
            connectionId,
            now,
            now);
    if (made == 0) {
      throw ApiProblem.conflict(
          "no-connection",
          connectionId == null
              ? "The request's source has no connection to forward it over."
              : "The connection is none of the request's source's.");
    }
  }

  /** Forwards every stored request matching {@code f} again, oldest first, spaced by the rate. */
  @Transactional
  Result matching(
      UUID organizationId,
      EventReads.Filter f,
      UUID connectionId,
      boolean dryRun,
      Integer ratePerSecond) {
    int rate = ratePerSecond == null ? DEFAULT_RATE_PER_SECOND : ratePerSecond;
    if (rate < 1 || rate > 10_000) {
      throw ApiProblem.invalid("rate_per_second", "must be 1 to 10000");
    }
    long matched =
        f.bind(jdbc.sql(InboundEventsQueries.EVENT_REPLAY_COUNT), organizationId)
            .query(Long.class)
            .single();
    if (dryRun || matched == 0) {
      return new Result(matched, 0, 0, dryRun, rate, null);
    }
    // As many as the caller can pay for now (one unit of the key's rate limit per request).
    int replaying = (int) Math.min(Math.min(matched, MAX_REPLAY), RequestQuota.available());
    RequestQuota.chargeMessages(replaying);
    List<Stored> rows =
        f.bind(jdbc.sql(InboundEventsQueries.EVENT_REPLAY_MATCHING), organizationId)
            .param("limit", replaying)
            .query(this::row)
            .list();
    Instant now = clock.instant();
    long intervalMs = Math.max(1, 1000 / rate);
    Map<UUID, Source> bySource = new HashMap<>();
    long made = 0;
    for (int i = 0; i < rows.size(); i++) {
      Stored s = rows.get(i);
      Source source = bySource.computeIfAbsent(s.sourceId(), id -> sources.get(organizationId, id));
      made +=
          forwards.plan(
              source, s.request(), connectionId, now, now.plus(Duration.ofMillis(intervalMs * i)));
    }
    return new Result(
        matched,
        rows.size(),
        made,
        false,
        rate,
        now.plus(Duration.ofMillis(intervalMs * Math.max(0, rows.size() - 1))));
  }

  private Stored row(ResultSet rs, int n) throws SQLException {
    return new Stored(
        rs.getObject("source_id", UUID.class),
        rs.getString("status"),
        new Forwards.Request(
            rs.getObject("id", UUID.class),
            rs.getString("method"),
            rs.getString("path"),
            rs.getString("query"),
            forwards.pairs(rs.getString("headers")),
            rs.getBytes("body")));
  }
}
