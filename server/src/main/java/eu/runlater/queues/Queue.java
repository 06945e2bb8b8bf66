package eu.runlater.queues;

import eu.runlater.engine.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A named stream of messages and the flow control its messages go through.
 *
 * @param parallelism released messages not yet finished, at most (1: strictly one after another)
 * @param rate at most this many starts per period, or null for no limit
 * @param owner who made it for their own use ({@code inbound connection}), or null for the
 *     organization's own queue: an owned queue's settings, pause and deletion go through its owner
 */
record Queue(
    UUID id,
    UUID organizationId,
    String name,
    int parallelism,
    Rate rate,
    int retries,
    int timeoutMs,
    boolean paused,
    Instant createdAt,
    Instant updatedAt,
    String owner) {

  static final int DEFAULT_PARALLELISM = 10;
  static final int DEFAULT_RETRIES = 5;
  static final int DEFAULT_TIMEOUT_MS = 30_000;

  /** At most {@code limit} starts per {@code period} (a second or a minute). */
  record Rate(int limit, Duration period) {
    /** The spacing between two starts. */
    Duration interval() {
      return period.dividedBy(limit);
    }

    String per() {
      return period.equals(Duration.ofMinutes(1)) ? "minute" : "second";
    }
  }

  static Queue map(ResultSet rs) throws SQLException {
    int limit = rs.getInt("rate_limit");
    Rate rate =
        rs.wasNull() ? null : new Rate(limit, Duration.ofMillis(rs.getInt("rate_period_ms")));
    return new Queue(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("name"),
        rs.getInt("parallelism"),
        rate,
        rs.getInt("retries"),
        rs.getInt("timeout_ms"),
        rs.getBoolean("paused"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"),
        rs.getString("owner"));
  }
}
