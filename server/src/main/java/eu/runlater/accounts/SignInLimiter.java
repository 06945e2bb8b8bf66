package eu.runlater.accounts;

import static eu.runlater.accounts.UsersQueries.*;

import eu.runlater.engine.db.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Limits sign-in attempts: after {@value #PER_EMAIL} failures for one address, or {@value
 * #PER_CLIENT} from one client, within {@link #WINDOW}, further attempts are refused until the
 * window slides past them. Counted in the database, so every node enforces the same limit. Requests
 * for a magic link count as attempts too (each one sends mail).
 */
@Service
public class SignInLimiter {
  public static final Duration WINDOW = Duration.ofMinutes(15);
  public static final int PER_EMAIL = 5;
  public static final int PER_CLIENT = 20;

  private final JdbcClient jdbc;
  private final InstantSource clock;

  SignInLimiter(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public boolean blocked(String email, String client) {
    Instant since = clock.instant().minus(WINDOW);
    return jdbc.sql(SIGN_IN_FAILURES_COUNT)
        .param("email", email == null ? "" : email.trim())
        .param("client", client)
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) -> rs.getLong("by_email") >= PER_EMAIL || rs.getLong("by_client") >= PER_CLIENT)
        .single();
  }

  public void recordFailure(String email, String client) {
    Instant now = clock.instant();
    jdbc.sql(SIGN_IN_FAILURE_INSERT)
        .param("email", email == null ? "" : email.trim())
        .param("client", client)
        .param("now", SqlTime.ts(now))
        .update();
    // Keeps the table to one window's worth without a separate sweeper.
    jdbc.sql(SIGN_IN_FAILURES_PURGE).param("before", SqlTime.ts(now.minus(WINDOW))).update();
  }
}
