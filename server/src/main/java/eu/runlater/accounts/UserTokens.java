package eu.runlater.accounts;

import static eu.runlater.accounts.UserTokensQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * One-use links for password reset (addresses are confirmed by the magic link): 256 random bits in
 * the link, only their SHA-256 in the database, spent by the statement that checks them.
 */
@Service
class UserTokens {
  public static final Duration RESET_TTL = Duration.ofHours(1);

  /** What a token is for; a token of one purpose never serves another. */
  public enum Purpose {
    RESET_PASSWORD("reset_password");

    final String code;

    Purpose(String code) {
      this.code = code;
    }
  }

  private final JdbcClient jdbc;
  private final InstantSource clock;

  UserTokens(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public String issue(UUID userId, Purpose purpose, Duration ttl) {
    String token = LinkTokens.generate();
    Instant now = clock.instant();
    jdbc.sql(USER_TOKEN_INSERT)
        .param("token_hash", Sha256.of(token))
        .param("user_id", userId)
        .param("purpose", purpose.code)
        .param("now", SqlTime.ts(now))
        .param("expires_at", SqlTime.ts(now.plus(ttl)))
        .update();
    // Keeps the table to live tokens (and a day of spent ones) without a separate sweeper.
    jdbc.sql(USER_TOKENS_PURGE).param("before", SqlTime.ts(now.minus(Duration.ofDays(1)))).update();
    return token;
  }

  /** The user a live token belongs to, without spending it (to show the form it opens). */
  public Optional<UUID> peek(String token, Purpose purpose) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return jdbc.sql(USER_TOKEN_PEEK)
        .param("token_hash", Sha256.of(token))
        .param("purpose", purpose.code)
        .param("now", SqlTime.ts(clock.instant()))
        .query(UUID.class)
        .optional();
  }

  /** Spends a live token; empty when it is unknown, expired or already used. */
  public Optional<UUID> spend(String token, Purpose purpose) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return jdbc.sql(USER_TOKEN_SPEND)
        .param("token_hash", Sha256.of(token))
        .param("purpose", purpose.code)
        .param("now", SqlTime.ts(clock.instant()))
        .query(UUID.class)
        .optional();
  }
}
