package eu.runlater.platform.idempotency;

import eu.runlater.engine.FailureStreak;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.DatabaseUnavailable;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The recorded first responses behind {@link IdempotencyFilter}. */
@Component
public class IdempotencyStore {
  private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

  private final JdbcClient jdbc;
  private final InstantSource clock;

  // While the database is away every purge fails: one line when that starts, one when it ends, not
  // a stack trace an hour. Guarded by this (the scheduler and a caller may both purge).
  private final FailureStreak purges =
      DatabaseUnavailable.failureStreak(log, "Forgetting expired idempotency keys");

  IdempotencyStore(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * @param withheld the answer carried a secret and was not stored ({@code body} is null)
   */
  record Recorded(int status, String contentType, byte[] body, boolean withheld) {}

  /** The same key used for another request. */
  static final class KeyReused extends RuntimeException {
    KeyReused() {
      super("idempotency key reused with a different request", null, false, false);
    }
  }

  /**
   * Claims the key for this request, in the caller's transaction: empty when this request is the
   * first (go ahead), the recorded response when it repeats one. Waits, through the row lock, for a
   * concurrent first request to finish.
   */
  Optional<Recorded> claim(UUID organizationId, String key, byte[] hash, Instant expiredBefore) {
    jdbc.sql(
            "DELETE FROM idempotency_keys WHERE organization_id = :org AND key = :key"
                + " AND created_at < :expired")
        .param("org", organizationId)
        .param("key", key)
        .param("expired", SqlTime.ts(expiredBefore))
        .update();
    int inserted =
        jdbc.sql(
                """
                INSERT INTO idempotency_keys (organization_id, key, request_hash, created_at)
                VALUES (:org, :key, :hash, :now) ON CONFLICT DO NOTHING
                """)
            .param("org", organizationId)
            .param("key", key)
            .param("hash", hash)
            .param("now", SqlTime.ts(clock.instant()))
            .update();
    if (inserted == 1) {
      return Optional.empty();
    }
    var row =
        jdbc.sql(
                "SELECT request_hash, response_status, response_type, response_body,"
                    + " response_withheld"
                    + " FROM idempotency_keys WHERE organization_id = :org AND key = :key")
            .param("org", organizationId)
            .param("key", key)
            .query(
                (rs, n) ->
                    new Object[] {
                      rs.getBytes(1),
                      rs.getObject(2),
                      rs.getString(3),
                      rs.getBytes(4),
                      rs.getBoolean(5)
                    })
            .single();
    if (!MessageDigest.isEqual((byte[]) row[0], hash)) {
      throw new KeyReused();
    }
    return Optional.of(
        new Recorded((Integer) row[1], (String) row[2], (byte[]) row[3], (Boolean) row[4]));
  }

  void record(UUID organizationId, String key, int status, String contentType, byte[] body) {
    jdbc.sql(
            """
            UPDATE idempotency_keys
            SET response_status = :status, response_type = :type, response_body = :body
            WHERE organization_id = :org AND key = :key
            """)
        .param("status", status)
        .param("type", contentType)
        .param("body", body)
        .param("org", organizationId)
        .param("key", key)
        .update();
  }

  /** Records that the request succeeded, without its answer (which carried a secret). */
  void recordWithheld(UUID organizationId, String key, int status) {
    jdbc.sql(
            """
            UPDATE idempotency_keys
            SET response_status = :status, response_withheld = true
            WHERE organization_id = :org AND key = :key
            """)
        .param("status", status)
        .param("org", organizationId)
        .param("key", key)
        .update();
  }

  /**
   * Forgets keys older than a day; any node may run it, it is idempotent. A failed purge is logged
   * as {@link FailureStreak} says and left to the next hour.
   */
  @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
  synchronized void purge() {
    try {
      jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :expired")
          .param("expired", SqlTime.ts(clock.instant().minus(IdempotencyFilter.KEEP)))
          .update();
    } catch (RuntimeException e) {
      purges.failed(e);
      return;
    }
    purges.succeeded();
  }
}
